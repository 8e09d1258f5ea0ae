"""SIGKILL in the middle of a large calendar import: whole batches or nothing, and a clean rerun.

``ingest_events`` commits one batch per call, so a kill leaves the batches committed
before it and nothing of the batch in progress. ``import_file`` commits the whole file
at once, so a kill leaves all of it or none.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import time
from pathlib import Path

from _calendar_data import anomaly_counts, batches, expected_meetings, make_events, read_meetings
from _calendar_files import to_ics
from _processes import finish_child, kill_child, start_child, wait_for_file
from _sqlite_checks import integrity_problems

import peanut_async

KILLS = 8
EVENTS = 1_200
BATCH = 100
SEED = 11
KILL_SEED = 2_718
FILE_KILLS = 6
FILE_EVENTS = 600


def _ingest_in_child(db: Path, marker: Path) -> subprocess.Popen[str]:
    arguments = {"db": str(db), "marker": str(marker), "progress": f"{db}.progress"}
    process = start_child("ingest", arguments | {"count": EVENTS, "batch": BATCH, "seed": SEED})
    wait_for_file(marker, process)
    return process


def _reported(db: Path) -> int:
    """Return what the child recorded as committed before it was killed, or 0."""
    progress = Path(f"{db}.progress")
    return int(json.loads(progress.read_text())) if progress.exists() else 0


async def _ingest_all(db: Path) -> None:
    events = make_events(range(EVENTS), seed=SEED)
    async with peanut_async.connect(db, plugins=["calendar"]) as database:
        for batch in batches(events, BATCH):
            await database.plugin("calendar").ingest_events(batch)


def _assert_whole_batches(db: Path) -> int:
    """Check the stored events are the first k whole batches, each complete; return k."""
    assert integrity_problems(db) == []
    events = make_events(range(EVENTS), seed=SEED)
    stored = read_meetings(db)
    committed, remainder = divmod(len(stored), BATCH)
    assert remainder == 0
    assert stored == expected_meetings(events[: committed * BATCH])
    assert set(anomaly_counts(db).values()) == {0}
    return committed


def test_ingest_killed_keeps_whole_batches(tmp_path: Path) -> None:
    calibration = tmp_path / "calibration.db"
    process = _ingest_in_child(calibration, tmp_path / "calibration.started")
    started = time.monotonic()
    finish_child(process)
    duration = time.monotonic() - started
    assert _assert_whole_batches(calibration) == EVENTS // BATCH

    rng = random.Random(KILL_SEED)
    committed_batches = []
    for kill in range(KILLS):
        db = tmp_path / f"killed{kill}.db"
        process = _ingest_in_child(db, tmp_path / f"killed{kill}.started")
        time.sleep(rng.uniform(0, duration))
        kill_child(process)
        committed = _assert_whole_batches(db)
        # Every batch whose ingest_events call had returned is stored.
        assert committed >= _reported(db)
        committed_batches.append(committed)

        asyncio.run(_ingest_all(db))
        assert _assert_whole_batches(db) == EVENTS // BATCH
    # Most kills must land inside the import, not after it.
    assert sum(0 < count < EVENTS // BATCH for count in committed_batches) >= KILLS // 2


def _import_in_child(db: Path, file: Path, marker: Path) -> subprocess.Popen[str]:
    arguments = {"db": str(db), "file": str(file), "marker": str(marker)}
    process = start_child("import", arguments | {"progress": f"{db}.progress"})
    wait_for_file(marker, process)
    return process


async def _import_again(db: Path, file: Path) -> None:
    async with peanut_async.connect(db, plugins=["calendar"]) as database:
        report = await database.plugin("calendar").import_file(file)
    assert report.errors == ()


def test_import_file_killed_all_or_nothing(tmp_path: Path) -> None:
    events = make_events(range(FILE_EVENTS), seed=SEED, source="ics")
    file = tmp_path / "large.ics"
    file.write_bytes(to_ics(events))
    full = expected_meetings(events)

    calibration = tmp_path / "calibration.db"
    process = _import_in_child(calibration, file, tmp_path / "calibration.started")
    started = time.monotonic()
    assert finish_child(process) == {"created": FILE_EVENTS, "errors": 0}
    duration = time.monotonic() - started
    assert read_meetings(calibration) == full

    rng = random.Random(KILL_SEED)
    outcomes = []
    for kill in range(FILE_KILLS):
        db = tmp_path / f"killed{kill}.db"
        process = _import_in_child(db, file, tmp_path / f"killed{kill}.started")
        time.sleep(rng.uniform(0, duration))
        kill_child(process)
        assert integrity_problems(db) == []
        stored = read_meetings(db)
        assert stored in ({}, full)
        # An import that had returned is stored whole.
        if _reported(db):
            assert stored == full
        assert set(anomaly_counts(db).values()) == {0}
        outcomes.append(bool(stored))

        asyncio.run(_import_again(db, file))
        assert read_meetings(db) == full
    # At least one kill must land before the commit.
    assert False in outcomes
