"""The pytest plugin that peanut-async installs for application test suites."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import peanut_async


async def test_peanut_db_is_migrated(peanut_db: peanut_async.Database) -> None:
    assert await peanut_db.fetch_value("SELECT version FROM schema_version") == 3
    assert Path(peanut_db.path).parent.exists()


async def test_peanut_connect_opens_more(peanut_connect, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = await peanut_connect(tmp_path / "other.db", plugins=["values"])
    assert [p.name for p in other.plugins] == ["values"]


def test_fixtures_work_in_a_fresh_suite(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text(
        textwrap.dedent(
            """
            import pytest
            import peanut_async

            class Api:
                def __init__(self, db):
                    self.db = db

            EXTRA = peanut_async.Plugin(name="extra", tables={"entities": ("id",)}, api_factory=Api)

            @pytest.fixture
            def peanut_plugin_names():
                return []

            @pytest.mark.peanut_plugins(EXTRA)
            async def test_registered(peanut_db):
                assert [p.name for p in peanut_db.plugins] == ["extra"]
                assert peanut_db.plugin("extra").db is peanut_db

            async def test_plain(peanut_db):
                assert peanut_db.plugins == ()
            """
        )
    )
    (tmp_path / "test_replace.py").write_text(
        textwrap.dedent(
            """
            import pytest
            import peanut_async

            DOUBLE = peanut_async.Plugin(
                name="values", tables={"user_values": ("id",)}, api_factory=lambda db: "double"
            )

            @pytest.mark.peanut_plugins(DOUBLE)
            async def test_registered_replaces_installed(peanut_db):
                assert peanut_db.plugin("values") == "double"
                assert "calendar" in [p.name for p in peanut_db.plugins]
            """
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
