"""The overlapping calendar and value-conflict workload that concurrent writers share.

Every writer ingests all ``shared`` shared events (in its own shuffled order, in batches
of ``batch``) plus ``own`` events of its own, and records each conflict of
``CONFLICT_PAIRS`` ``CONFLICTS_PER_PAIR`` times, so the expected totals are exact.
"""

from __future__ import annotations

import random

import attrs
from _calendar_data import batches, make_events

from peanut_async import Database
from peanut_async.plugins.calendar import CalendarEvent

SEED = 23
CONFLICT_PAIRS = (("honesty", "kindness"), ("family", "career"), ("freedom", "security"))
CONFLICTS_PER_PAIR = 4


@attrs.frozen
class Workload:
    """How many shared and own events each writer ingests, and the batch size."""

    shared: int
    own: int
    batch: int

    def own_numbers(self, worker: int) -> range:
        """Return the event numbers only ``worker`` ingests."""
        first = 100_000 + worker * self.own
        return range(first, first + self.own)

    def worker_events(self, worker: int) -> list[CalendarEvent]:
        """Return the shared and own events of ``worker``, shuffled by its number."""
        numbers = [*range(self.shared), *self.own_numbers(worker)]
        random.Random(worker).shuffle(numbers)
        return make_events(numbers, seed=SEED)

    def all_events(self, workers: int) -> list[CalendarEvent]:
        """Return every distinct event that ``workers`` writers ingest together."""
        numbers = [*range(self.shared)]
        for worker in range(workers):
            numbers.extend(self.own_numbers(worker))
        return make_events(numbers, seed=SEED)


async def run_worker(db: Database, workload: Workload, worker: int) -> None:
    """Ingest ``worker``'s events in batches, recording conflicts in between."""
    calendar = db.plugin("calendar")
    values = db.plugin("values")
    conflicts = [pair for pair in CONFLICT_PAIRS for _ in range(CONFLICTS_PER_PAIR)]
    for number, batch in enumerate(batches(workload.worker_events(worker), workload.batch)):
        report = await calendar.ingest_events(batch)
        if report.errors:
            raise AssertionError(f"worker {worker} batch {number}: {report.errors}")
        if conflicts:
            first, second = conflicts.pop()
            # Half the calls name the pair in the other order: it is unordered.
            pair = (first, second) if number % 2 else (second, first)
            await values.record_conflict(*pair, context=f"worker {worker}")
    for first, second in conflicts:
        await values.record_conflict(first, second)
