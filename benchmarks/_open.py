"""Benchmark 3: how long ``connect()`` takes on an up-to-date and on a new database."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import peanut_async

from ._databases import BUILT_IN_PLUGINS, Workspace, remove_database
from ._report import Section, Target
from ._settings import Settings
from ._timing import median, milliseconds

UP_TO_DATE_GOAL_MS = 5.0
FRESH_GOAL_MS = 50.0


async def run_open(workspace: Workspace, settings: Settings) -> Section:
    """Time opens of an up-to-date database and of new ones, with two plugin selections."""
    section = Section(
        name="open",
        title="Open: connect() including the migration check and the plugin schema check",
        header=["case", "plugins", "runs", "median ms", "min ms", "max ms"],
    )
    path = await workspace.fresh_database("open")
    cases: list[tuple[str, Sequence[str] | None, list[float]]] = []
    for plugins in (BUILT_IN_PLUGINS, None):
        up_to_date = await _time_reopens(path, plugins, settings.open_runs)
        cases.append(("up-to-date", plugins, up_to_date))
    for plugins in (BUILT_IN_PLUGINS, None):
        fresh = await _time_fresh_opens(workspace, plugins, settings.fresh_open_runs)
        cases.append(("new, migrated from empty", plugins, fresh))

    for case, plugins, samples in cases:
        label = "all installed" if plugins is None else ",".join(plugins)
        section.rows.append(
            [
                case,
                label,
                str(len(samples)),
                milliseconds(median(samples)),
                milliseconds(min(samples)),
                milliseconds(max(samples)),
            ]
        )
        section.data[f"{case} / {label}"] = {"samples_s": samples, "median_s": median(samples)}

    section.targets.append(
        Target(
            "up-to-date open, built-in plugins",
            median(cases[0][2]) * 1000,
            UP_TO_DATE_GOAL_MS,
            "ms",
            higher_is_better=False,
        )
    )
    section.targets.append(
        Target(
            "new database open, built-in plugins",
            median(cases[2][2]) * 1000,
            FRESH_GOAL_MS,
            "ms",
            higher_is_better=False,
        )
    )
    section.notes.append(
        "time from calling connect() to holding the open Database; closing is not included"
    )
    return section


async def _time_reopens(path: Path, plugins: Sequence[str] | None, runs: int) -> list[float]:
    # One untimed open first, so imports and entry-point discovery are warm, as they
    # are in an application that opens its database more than once.
    async with peanut_async.connect(path, plugins=plugins):
        pass
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        database = await peanut_async.connect(path, plugins=plugins)
        samples.append(time.perf_counter() - started)
        await database.aclose()
    return samples


async def _time_fresh_opens(
    workspace: Workspace, plugins: Sequence[str] | None, runs: int
) -> list[float]:
    samples = []
    for _ in range(runs):
        path = workspace.new_path("fresh-open")
        started = time.perf_counter()
        database = await peanut_async.connect(path, plugins=plugins)
        samples.append(time.perf_counter() - started)
        await database.aclose()
        remove_database(path)
    return samples
