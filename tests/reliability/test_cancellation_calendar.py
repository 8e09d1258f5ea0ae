"""Timeouts inside ``ingest_events`` and ``import_file``: each batch is whole or absent."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import attrs
import pytest
from _calendar_data import expected_meetings, make_events, read_meetings
from _calendar_files import to_ics

from peanut_async import Database
from peanut_async.plugins.calendar import CalendarEvent

ATTEMPTS = 24
BATCH = 150
SEED = 31
TIMEOUT_SEED = 4_242
# Timeouts are drawn from 0 to this many times the duration of an unbounded call,
# measured first, so some calls time out and some finish on fast and slow machines.
TIMEOUT_SPREAD = 2.0


async def _duration(call: Callable[[], Awaitable[object]]) -> float:
    started = time.monotonic()
    await call()
    return time.monotonic() - started


@asynccontextmanager
async def _within(kind: str, seconds: float) -> AsyncIterator[None]:
    """Raise TimeoutError after ``seconds``, by asyncio.timeout or by anyio.fail_after."""
    if kind == "asyncio":
        async with asyncio.timeout(seconds):
            yield
    else:
        with anyio.fail_after(seconds):
            yield


@pytest.mark.parametrize("kind", ["asyncio", "anyio"])
async def test_timeouts_inside_ingest_events(calendar_db: Database, kind: str) -> None:
    calendar = calendar_db.plugin("calendar")
    rng = random.Random(TIMEOUT_SEED)
    batches = [make_events(range(n * BATCH, (n + 1) * BATCH), seed=SEED) for n in range(ATTEMPTS)]
    unbounded = make_events(range(ATTEMPTS * BATCH, (ATTEMPTS + 1) * BATCH), seed=SEED)
    longest = TIMEOUT_SPREAD * await _duration(lambda: calendar.ingest_events(unbounded))
    outcomes = []

    for batch in batches:
        try:
            async with _within(kind, rng.uniform(0, longest)):
                await calendar.ingest_events(batch)
        except TimeoutError:
            outcomes.append(False)
        else:
            outcomes.append(True)

    stored = read_meetings(Path(calendar_db.path))
    for batch, finished in zip(batches, outcomes, strict=True):
        expected = expected_meetings(batch)
        present = {identity: stored[identity] for identity in expected if identity in stored}
        # A batch that returned is stored whole; one that timed out is whole or absent.
        if finished:
            assert present == expected
        else:
            assert present in ({}, expected)
    assert 0 < sum(outcomes) < ATTEMPTS

    # The database stays usable: every batch can be ingested again, completely.
    for batch in batches:
        await calendar.ingest_events(batch)
    assert read_meetings(Path(calendar_db.path)) == expected_meetings(
        [*unbounded, *(event for batch in batches for event in batch)]
    )


FILE_ATTEMPTS = 8
FILE_EVENTS = 200


@pytest.mark.parametrize("kind", ["asyncio", "anyio"])
async def test_timeouts_inside_import_file(
    calendar_db: Database, tmp_path: Path, kind: str
) -> None:
    calendar = calendar_db.plugin("calendar")
    events = make_events(range(FILE_EVENTS), seed=SEED, source="ics")
    file = tmp_path / "meetings.ics"
    file.write_bytes(to_ics(events))
    rng = random.Random(TIMEOUT_SEED)
    # Each attempt imports the file under its own source name, so it adds new events.
    sources = [f"attempt{n}" for n in range(FILE_ATTEMPTS)]
    longest = TIMEOUT_SPREAD * await _duration(lambda: calendar.import_file(file, source="first"))
    finished = []

    for source in sources:
        try:
            async with _within(kind, rng.uniform(0, longest)):
                await calendar.import_file(file, source=source)
        except TimeoutError:
            finished.append(False)
        else:
            finished.append(True)

    stored = read_meetings(Path(calendar_db.path))
    for source, done in zip(sources, finished, strict=True):
        expected = expected_meetings(_with_source(events, source))
        present = {identity: stored[identity] for identity in expected if identity in stored}
        if done:
            assert present == expected
        else:
            assert present in ({}, expected)
    assert 0 < sum(finished) < FILE_ATTEMPTS

    for source in sources:
        await calendar.import_file(file, source=source)
    assert len(read_meetings(Path(calendar_db.path))) == (FILE_ATTEMPTS + 1) * FILE_EVENTS


def _with_source(events: list[CalendarEvent], source: str) -> list[CalendarEvent]:
    return [attrs.evolve(event, source=source) for event in events]
