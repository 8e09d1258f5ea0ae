"""Benchmark 5: many coroutines ingesting through one ``Database`` at once."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import peanut_async
from peanut_async.plugins.calendar import CalendarEvent

from ._databases import BUILT_IN_PLUGINS, Workspace, remove_database
from ._report import Check, Section
from ._settings import Settings
from ._timing import median, per_second, rate
from ._verify import StoredRows, stored_rows
from ._workload import make_events, make_people

# A task returns the reasons of the events it could not store.
Task = Callable[[Any, Sequence[CalendarEvent]], Awaitable[list[str]]]


async def _one_batch(api: Any, events: Sequence[CalendarEvent]) -> list[str]:
    report = await api.ingest_events(events)
    return [issue.describe() for issue in report.errors]


async def _one_by_one(api: Any, events: Sequence[CalendarEvent]) -> list[str]:
    for event in events:
        await api.ingest_event(event)
    return []


VARIANTS: dict[str, Task] = {
    "ingest_events(batch of the task's events)": _one_batch,
    "ingest_event(one event) per event": _one_by_one,
}


async def run_concurrency(workspace: Workspace, settings: Settings) -> Section:
    """Run every task at once on one Database; count errors and check the stored rows."""
    tasks = settings.concurrent_tasks
    per_task = settings.events_per_task
    section = Section(
        name="concurrency",
        title=f"Concurrency: {tasks} coroutines x {per_task} events through one Database",
        header=["each coroutine calls", "runs", "events/s (median)", "errors"],
    )
    events = make_events(tasks * per_task, make_people())
    chunks = [events[index * per_task : (index + 1) * per_task] for index in range(tasks)]
    reference = await _reference(workspace, events)
    expected = stored_rows(reference)
    remove_database(reference)

    for label, task in VARIANTS.items():
        samples, failures, mismatches = await _run_variant(
            workspace, chunks, task, expected, settings.concurrency_runs
        )
        events_per_second = per_second(len(events), median(samples))
        section.rows.append([label, str(len(samples)), rate(events_per_second), str(len(failures))])
        section.checks.append(
            Check(f"{label}: no errors", not failures, "; ".join(failures[:3]) or "0 errors")
        )
        section.checks.append(
            Check(
                f"{label}: same rows as one sequential ingest",
                not mismatches,
                "; ".join(mismatches[:3])
                or ", ".join(f"{table} {count:,}" for table, count in expected.counts.items()),
            )
        )
        section.data[label] = {
            "seconds": samples,
            "events_per_second": events_per_second,
            "errors": failures,
        }
    section.notes.append(
        "the tasks share attendees, so they race to create the same people; each run's "
        "rows are compared with those of one ingest_events call of all the events"
    )
    return section


async def _run_variant(
    workspace: Workspace,
    chunks: Sequence[Sequence[CalendarEvent]],
    task: Task,
    expected: StoredRows,
    runs: int,
) -> tuple[list[float], list[str], list[str]]:
    samples = []
    failures: list[str] = []
    mismatches: list[str] = []
    for run in range(1, runs + 1):
        path = await workspace.fresh_database("concurrency")
        gc.collect()
        elapsed, run_failures = await _run_tasks(path, chunks, task)
        samples.append(elapsed)
        failures.extend(run_failures)
        stored = stored_rows(path)
        remove_database(path)
        if stored != expected:
            mismatches.append(f"run {run}: row counts {stored.counts}")
    return samples, failures, mismatches


async def _reference(workspace: Workspace, events: Sequence[CalendarEvent]) -> Path:
    path = await workspace.fresh_database("concurrency-reference")
    async with peanut_async.connect(path, plugins=BUILT_IN_PLUGINS) as db:
        await db.plugin("calendar").ingest_events(events)
    return path


async def _run_tasks(
    path: Path, chunks: Sequence[Sequence[CalendarEvent]], task: Task
) -> tuple[float, list[str]]:
    async with peanut_async.connect(path, plugins=BUILT_IN_PLUGINS) as db:
        api = db.plugin("calendar")
        started = time.perf_counter()
        results = await asyncio.gather(
            *(task(api, chunk) for chunk in chunks), return_exceptions=True
        )
        elapsed = time.perf_counter() - started
    failures: list[str] = []
    for result in results:
        if isinstance(result, BaseException):
            failures.append(f"{type(result).__name__}: {result}")
        else:
            failures.extend(result)
    return elapsed, failures
