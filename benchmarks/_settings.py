"""Sizes and repetition counts of each benchmark in the quick and the full mode."""

from __future__ import annotations

import attrs


@attrs.frozen
class Settings:
    """Sizes and repetition counts of one mode.

    ``ingest_runs`` pairs each event count with the number of timed runs at that
    count. Every timed run of every benchmark starts from a fresh database.
    """

    mode: str
    ingest_runs: tuple[tuple[int, int], ...]
    import_events: int
    import_runs: int
    open_runs: int
    fresh_open_runs: int
    decision_count: int
    decision_runs: int
    concurrent_tasks: int
    events_per_task: int
    concurrency_runs: int


QUICK = Settings(
    mode="quick",
    ingest_runs=((1_000, 3),),
    import_events=1_000,
    import_runs=1,
    open_runs=20,
    fresh_open_runs=5,
    decision_count=10_000,
    decision_runs=5,
    concurrent_tasks=20,
    events_per_task=20,
    concurrency_runs=1,
)

FULL = Settings(
    mode="full",
    ingest_runs=((1_000, 5), (10_000, 5), (50_000, 3)),
    import_events=10_000,
    import_runs=3,
    open_runs=50,
    fresh_open_runs=20,
    decision_count=100_000,
    decision_runs=20,
    concurrent_tasks=100,
    events_per_task=100,
    concurrency_runs=3,
)
