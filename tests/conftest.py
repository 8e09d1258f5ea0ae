"""Shared test setup: the corpus location and plugin isolation."""

from __future__ import annotations

import pytest

from peanut_async._registry import BLOCK_ENV, DISABLE_AUTOLOAD_ENV


@pytest.fixture(autouse=True)
def _plugin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's shell may set these; tests decide plugin loading explicitly.
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    monkeypatch.delenv(BLOCK_ENV, raising=False)
