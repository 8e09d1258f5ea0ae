"""Benchmark 1: ``ingest_events`` against plain sqlite3 and naive aiosqlite, side by side."""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import peanut_async
from peanut_async.plugins.calendar import CalendarEvent

from ._baselines import ingest_limit, ingest_naive
from ._databases import BUILT_IN_PLUGINS, Workspace, remove_database
from ._report import Check, Section, Target
from ._settings import Settings
from ._timing import median, per_second, rate, ratio
from ._verify import CALENDAR_TABLES, StoredRows, stored_rows
from ._workload import make_events, make_people

LIMIT_GOAL = 0.9
NAIVE_GOAL = 15.0

Ingest = Callable[[Path, Sequence[CalendarEvent]], Awaitable[float]]


async def ingest_library(path: Path, events: Sequence[CalendarEvent]) -> float:
    """Write ``events`` with ``ingest_events``; return the seconds the call took."""
    async with peanut_async.connect(path, plugins=BUILT_IN_PLUGINS) as db:
        started = time.perf_counter()
        report = await db.plugin("calendar").ingest_events(events)
        elapsed = time.perf_counter() - started
    stored = report.created + report.cancelled
    if report.errors or stored != len(events):
        raise RuntimeError(
            f"ingest_events stored {stored} of {len(events)} events. "
            f"First errors: {report.errors[:3]}"
        )
    return elapsed


async def _limit(path: Path, events: Sequence[CalendarEvent]) -> float:
    return ingest_limit(path, events)


CONTESTANTS: dict[str, Ingest] = {
    "peanut-async": ingest_library,
    "sqlite3 limit": _limit,
    "naive aiosqlite": ingest_naive,
}


async def run_ingest(workspace: Workspace, settings: Settings) -> Section:
    """Time each contestant on fresh databases at every size and compare what they stored."""
    section = Section(
        name="ingest",
        title="Calendar ingest: events/s (median), ingest_events vs (a) the sqlite3 limit "
        "and (b) naive aiosqlite",
        header=[
            "events",
            "runs",
            "peanut-async",
            "(a) sqlite3 limit",
            "(b) naive aiosqlite",
            "vs (a)",
            "vs (b)",
        ],
    )
    people = make_people()
    for size, runs in settings.ingest_runs:
        events = make_events(size, people)
        samples, stored = await _run_size(workspace, events, runs)
        _report_size(section, size, runs, samples, stored)
    section.notes.append(
        "each run starts from a fresh copy of one migrated database; the order of the "
        "contestants rotates between runs"
    )
    return section


async def _run_size(
    workspace: Workspace, events: Sequence[CalendarEvent], runs: int
) -> tuple[dict[str, list[float]], dict[str, StoredRows]]:
    names = list(CONTESTANTS)
    samples: dict[str, list[float]] = {name: [] for name in names}
    stored: dict[str, StoredRows] = {}
    for run in range(runs):
        # Rotating the order spreads any warm-up or slow-down over every contestant.
        order = names[run % len(names) :] + names[: run % len(names)]
        for name in order:
            path = await workspace.fresh_database(f"ingest-{len(events)}")
            gc.collect()
            samples[name].append(await CONTESTANTS[name](path, events))
            if name not in stored:
                stored[name] = stored_rows(path)
            remove_database(path)
    return samples, stored


def _report_size(
    section: Section,
    size: int,
    runs: int,
    samples: dict[str, list[float]],
    stored: dict[str, StoredRows],
) -> None:
    rates = {name: per_second(size, median(times)) for name, times in samples.items()}
    library, limit, naive = (rates[name] for name in CONTESTANTS)
    section.rows.append(
        [
            f"{size:,}",
            str(runs),
            rate(library),
            rate(limit),
            rate(naive),
            ratio(library / limit),
            ratio(library / naive),
        ]
    )
    section.targets.append(
        Target(f"N={size:,} vs (a) sqlite3 limit", library / limit, LIMIT_GOAL, "x",
               higher_is_better=True)
    )  # fmt: skip
    section.targets.append(
        Target(f"N={size:,} vs (b) naive aiosqlite", library / naive, NAIVE_GOAL, "x",
               higher_is_better=True)
    )  # fmt: skip
    section.checks.extend(_compare(size, stored))
    section.data[str(size)] = {
        "runs": runs,
        "seconds": samples,
        "events_per_second": rates,
        "ratio_to_limit": library / limit,
        "ratio_to_naive": library / naive,
        "row_counts": {name: rows.counts for name, rows in stored.items()},
    }


def _compare(size: int, stored: dict[str, StoredRows]) -> list[Check]:
    reference = stored["peanut-async"]
    others = {name: rows for name, rows in stored.items() if name != "peanut-async"}
    counts = ", ".join(f"{table} {reference.counts[table]:,}" for table in CALENDAR_TABLES)
    same_counts = all(rows.counts == reference.counts for rows in others.values())
    same_content = all(rows.digests == reference.digests for rows in others.values())
    detail = counts if same_counts else _differences(stored, "counts")
    return [
        Check(f"N={size:,} same row counts per table", same_counts, detail),
        Check(
            f"N={size:,} same row content per table",
            same_content,
            "" if same_content else _differences(stored, "digests"),
        ),
    ]


def _differences(stored: dict[str, StoredRows], field: str) -> str:
    parts = []
    for table in CALENDAR_TABLES:
        values = {name: getattr(rows, field)[table] for name, rows in stored.items()}
        if len(set(values.values())) > 1:
            parts.append(f"{table}: " + ", ".join(f"{n} {v}" for n, v in values.items()))
    return "; ".join(parts)
