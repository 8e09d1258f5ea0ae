"""The database, -wal and -shm files are created owner-only (0600) and stay so."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import peanut_async
from peanut_async._cli import main

OWNER_ONLY = 0o600


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Let new files be world-readable unless the library itself restricts them."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def _modes(db: Path) -> dict[str, int]:
    return {
        path.name: stat.S_IMODE(path.stat().st_mode)
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"))
        if path.exists()
    }


def _expected(db: Path, *suffixes: str) -> dict[str, int]:
    return {f"{db.name}{suffix}": OWNER_ONLY for suffix in suffixes}


async def test_new_database_files_are_owner_only(tmp_path: Path, permissive_umask: None) -> None:
    db = tmp_path / "private.db"

    async with peanut_async.connect(db, plugins=()) as database:
        await database.execute(
            "INSERT INTO entities (id, canonical_name, entity_type) VALUES ('p', 'P', 'person')"
        )
        assert _modes(db) == _expected(db, "", "-wal", "-shm")

    assert _modes(db) == _expected(db, "")


async def test_modes_kept_after_checkpoint_and_reopen(
    tmp_path: Path, permissive_umask: None
) -> None:
    db = tmp_path / "private.db"
    async with peanut_async.connect(db, plugins=()):
        pass

    for round_number in range(3):
        async with peanut_async.connect(db, plugins=()) as database:
            await database.execute(
                "INSERT INTO entities (id, canonical_name, entity_type) VALUES (?, 'P', 'person')",
                (f"p{round_number}",),
            )
            await database.fetch_all("PRAGMA wal_checkpoint(TRUNCATE)")
            await database.execute("UPDATE entities SET canonical_name = 'Q'")
            assert _modes(db) == _expected(db, "", "-wal", "-shm")

    assert _modes(db) == _expected(db, "")


def test_cli_migrate_creates_owner_only_files(
    tmp_path: Path, permissive_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the default location gets a missing folder created; an explicit --db
    # folder must already exist.
    monkeypatch.delenv("PEANUT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    db = tmp_path / "xdg" / "peanut-async" / "peanut.db"

    assert main(["migrate"]) == 0

    assert _modes(db) == _expected(db, "")
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_cli_baseline_creates_owner_only_file(tmp_path: Path, permissive_umask: None) -> None:
    db = tmp_path / "baseline.db"

    assert main(["baseline", "core", "1", "--db", str(db)]) == 0

    assert _modes(db) == _expected(db, "")
