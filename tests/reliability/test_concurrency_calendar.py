"""Overlapping calendar imports and value conflicts from 8 processes and 200 coroutines.

Every writer ingests the same shared events (the same people, the same meetings) in its
own order. The database must end with exactly one person per email address, one
commitment per event, and exact participant and conflict counts. No writer may get an
error, "database is locked" included.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import attrs
from _calendar_data import anomaly_counts, expected_meetings, read_meetings
from _processes import finish_child, start_child, wait_for_file
from _sqlite_checks import integrity_problems
from _workload import CONFLICT_PAIRS, CONFLICTS_PER_PAIR, Workload, run_worker

import peanut_async

PROCESSES = 8
PROCESS_WORKLOAD = Workload(shared=300, own=30, batch=15)
COROUTINES = 200
COROUTINE_WORKLOAD = Workload(shared=60, own=2, batch=10)


def _assert_exact_totals(db: Path, workload: Workload, writers: int) -> None:
    events = workload.all_events(writers)
    assert integrity_problems(db) == []
    assert read_meetings(db) == expected_meetings(events)
    assert set(anomaly_counts(db).values()) == {0}

    emails = {attendee.email for event in events for attendee in event.attendees}
    emails |= {event.organizer_email for event in events if event.organizer_email}
    participants = sum(len(event.attendees) for event in events)
    with closing(sqlite3.connect(db)) as conn:
        people = conn.execute("SELECT count(*) FROM entities WHERE entity_type = 'person'")
        assert people.fetchone() == (len(emails),)
        rows = conn.execute("SELECT count(*) FROM commitment_participants")
        assert rows.fetchone() == (participants,)
        commitments = conn.execute("SELECT count(*) FROM commitments WHERE type = 'meeting'")
        assert commitments.fetchone() == (len(events),)
        conflicts = conn.execute(
            "SELECT value1_name, value2_name, occurrence_count FROM value_conflicts ORDER BY 1"
        ).fetchall()
    assert conflicts == sorted(
        (*sorted(pair), writers * CONFLICTS_PER_PAIR) for pair in CONFLICT_PAIRS
    )


def test_processes_import_overlapping_calendars(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    start = tmp_path / "start"
    children = [
        start_child(
            "calendar-worker",
            {
                "db": str(db),
                "ready": str(tmp_path / f"ready{n}"),
                "start": str(start),
                "worker": n,
                "workload": attrs.asdict(PROCESS_WORKLOAD),
            },
        )
        for n in range(PROCESSES)
    ]
    for worker, child in enumerate(children):
        wait_for_file(tmp_path / f"ready{worker}", child, timeout=60)
    start.write_text("go")

    results = [finish_child(child, timeout=100) for child in children]

    # The writers' working periods overlap: all of them were writing at one moment.
    assert max(result["started"] for result in results) < min(
        result["finished"] for result in results
    )
    _assert_exact_totals(db, PROCESS_WORKLOAD, PROCESSES)


async def test_coroutines_import_overlapping_calendars(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"

    async with peanut_async.connect(db, plugins=["calendar", "values"]) as database:
        await asyncio.gather(
            *(run_worker(database, COROUTINE_WORKLOAD, n) for n in range(COROUTINES))
        )

    _assert_exact_totals(db, COROUTINE_WORKLOAD, COROUTINES)
