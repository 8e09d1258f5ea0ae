"""Concurrent calendar imports: one person per address across processes and tasks."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from _calendar_support import calendar, count, meeting

from peanut_async import Database, connect


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    # Only the calendar plugin: these tests do not depend on the other plugins.
    return ["calendar"]


PROCESSES = 4
PEOPLE = 40
EVENTS_PER_PROCESS = 30

# Each process imports its own meetings (distinct UIDs) among the same 40 people, all
# starting at the same instant, so their person lookups and inserts race.
WORKER = textwrap.dedent(
    """
    import asyncio, sys, time
    from datetime import UTC, datetime, timedelta
    import peanut_async
    from peanut_async.plugins.calendar import Attendee, CalendarAPI, CalendarEvent

    path, worker, start_at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    people, per_process = int(sys.argv[4]), int(sys.argv[5])

    def events():
        base = datetime(2030, 1, 7, 9, tzinfo=UTC)
        for n in range(per_process):
            chosen = [(worker + n + k * 7) % people for k in range(5)]
            yield CalendarEvent(
                f"w{worker}-e{n}",
                base + timedelta(hours=n),
                base + timedelta(hours=n, minutes=30),
                title=f"meeting {n}",
                attendees=[Attendee(f"Person{i}@Example.com", f"Person {i}") for i in chosen],
                organizer_email=f"person{chosen[0]}@example.com",
                source="race",
            )

    async def main():
        async with peanut_async.connect(path, plugins=["calendar"]) as db:
            api = db.plugin("calendar", CalendarAPI)
            batch = list(events())
            time.sleep(max(0.0, start_at - time.time()))
            for event in batch:  # one transaction per event: many chances to interleave
                await api.ingest_event(event)

    asyncio.run(main())
    """
)


async def test_processes_create_one_person_per_email(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    async with connect(path, plugins=["calendar"]):
        pass  # migrate once, so the workers race on people, not on migrations
    start_at = time.time() + 2.0

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(path),
                str(n),
                str(start_at),
                str(PEOPLE),
                str(EVENTS_PER_PROCESS),
            ],
            stderr=subprocess.PIPE,
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr.decode()

    async with connect(path, plugins=["calendar"]) as db:
        assert await count(db, "entities", "entity_type = 'person'") == PEOPLE
        assert await count(db, "entity_attributes", "attribute_type = 'email'") == PEOPLE
        assert await count(db, "commitments") == PROCESSES * EVENTS_PER_PROCESS
        assert await count(db, "commitment_participants") == PROCESSES * EVENTS_PER_PROCESS * 5


async def test_tasks_sharing_database_create_one_person(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    attendees = [(f"shared{i}@example.com", None, "accepted") for i in range(10)]

    await asyncio.gather(
        *(
            api.ingest_event(meeting(f"task-{n}", attendees=attendees, organizer=None))
            for n in range(8)
        )
    )

    assert await count(peanut_db, "entities") == 10
    assert await count(peanut_db, "commitment_participants") == 80
