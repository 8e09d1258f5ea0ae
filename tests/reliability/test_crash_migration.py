"""SIGKILL in the middle of a long migration: every migration is whole or absent."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

from _bulk import (
    FULL_LOAD,
    TAG_ROWS,
    applied_versions,
    bulk_plugin,
    load_state,
    tags_state,
    write_migrations,
)
from _processes import finish_child, kill_child, start_child, wait_for_file
from _sqlite_checks import integrity_problems

import peanut_async

KILLS = 8
SEED = 5_545


def _migrate_in_child(db: Path, folder: Path, marker: Path) -> subprocess.Popen[str]:
    arguments = {"db": str(db), "folder": str(folder), "marker": str(marker)}
    process = start_child("migrate", arguments | {"progress": f"{db}.progress"})
    wait_for_file(marker, process)
    return process


def _reported_versions(db: Path) -> set[int]:
    """Return the versions the child logged as applied, which it does after COMMIT."""
    progress = Path(f"{db}.progress")
    if not progress.exists():
        return set()
    files = [line.rsplit("/", 1)[1] for line in progress.read_text().splitlines()]
    return {int(file.split("_", 1)[0]) for file in files}


def _calibrate(tmp_path: Path, folder: Path) -> float:
    """Return the seconds from the first bulk statement to the end of an unkilled run."""
    marker = tmp_path / "calibration.started"
    process = _migrate_in_child(tmp_path / "calibration.db", folder, marker)
    started = time.monotonic()
    finish_child(process)
    return time.monotonic() - started


def _assert_whole_or_absent(db: Path) -> set[int]:
    assert integrity_problems(db) == []
    with closing(sqlite3.connect(db)) as conn:
        versions = applied_versions(conn)
        load = load_state(conn)
        tags = tags_state(conn)
    assert load == (FULL_LOAD if 1 in versions else None)
    assert tags == (TAG_ROWS if 2 in versions else None)
    assert versions <= {1, 2}
    assert 2 not in versions or 1 in versions
    return versions


async def _migrate_again(db: Path, folder: Path) -> None:
    async with peanut_async.connect(db, plugins=(), register=[bulk_plugin(folder)]):
        pass


def test_migration_killed_stays_whole(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "migrations")
    duration = _calibrate(tmp_path, folder)
    rng = random.Random(SEED)
    outcomes: list[frozenset[int]] = []
    for kill in range(KILLS):
        db = tmp_path / f"killed{kill}.db"
        process = _migrate_in_child(db, folder, tmp_path / f"killed{kill}.started")
        time.sleep(rng.uniform(0, duration))
        kill_child(process)
        versions = _assert_whole_or_absent(db)
        # Nothing the child saw committed is lost.
        assert _reported_versions(db) <= versions
        outcomes.append(frozenset(versions))

        asyncio.run(_migrate_again(db, folder))
        assert _assert_whole_or_absent(db) == {1, 2}
    # The kills must have landed inside the migrations, not only after them.
    assert frozenset() in outcomes or frozenset({1}) in outcomes
