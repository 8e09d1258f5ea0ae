"""Benchmark 2: ``import_file`` of a generated .ics file: speed, stages and peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import peanut_async

from ._databases import BUILT_IN_PLUGINS, Workspace, remove_database
from ._ics_file import WINDOW_END, WINDOW_START, IcsContents, write_ics
from ._report import Check, Section, Target
from ._sampler import StackSampler
from ._settings import Settings
from ._timing import median, per_second, rate
from ._workload import make_people

PEAK_MEMORY_GOAL_MB = 200.0
REPOSITORY = Path(__file__).resolve().parent.parent

# Stages of an import, each with the function names (module and function) that mark a
# stack sample as belonging to it. A stack counts for the first stage whose marker it
# contains, so expansion called from parse_ics counts as expansion.
STAGES = (
    ("write (ingest_batch)", (".ingest_batch",)),
    ("recurrence expansion", ("._expand._expand", "recurring_ical_events.")),
    ("parse (icalendar)", ("._ics._calendars",)),
    ("decode and structure check", (".decode_ics", ".check_structure")),
    ("time zones and event records", (".parse_ics", ".parse_google")),
    ("other import_file code", (".import_bytes", ".import_file")),
)


def classify_import(names: list[str]) -> str | None:
    """Return the import stage a stack belongs to, or None for an idle thread."""
    for stage, markers in STAGES:
        if any(marker in name for name in names for marker in markers):
            return stage
    return None


async def run_import(workspace: Workspace, settings: Settings) -> Section:
    """Time import_file in fresh processes, then sample one import to split its time."""
    path = workspace.root / "import.ics"
    contents = write_ics(path, settings.import_events, make_people())
    section = Section(
        name="import",
        title=f"iCalendar import: {contents.vevents:,} VEVENTs "
        f"({contents.size_bytes / 1e6:.1f} MB) through import_file",
        header=["measure", "value"],
    )
    runs = [await _run_in_process(workspace, path) for _ in range(settings.import_runs)]
    seconds = median([run["seconds"] for run in runs])
    peak = max(run["peak_rss_mb"] for run in runs)
    stored = runs[0]["report"]["created"] + runs[0]["report"]["cancelled"]

    section.rows.extend(_describe_file(contents))
    section.rows.extend(
        [
            ["runs (each in a fresh process and database)", str(len(runs))],
            ["events stored (occurrences)", f"{stored:,}"],
            ["median seconds", f"{seconds:.2f}"],
            ["VEVENTs/s", rate(per_second(contents.vevents, seconds))],
            ["stored events/s", rate(per_second(stored, seconds))],
            ["peak RSS of the process, MiB (max over runs)", f"{peak:.0f}"],
            [
                "peak RSS after connect, before the import, MiB",
                f"{runs[0]['peak_rss_mb_before']:.0f}",
            ],
        ]
    )
    shares, sampled_seconds = await _sample_stages(workspace, path)
    for stage, _markers in STAGES:
        share = shares.get(stage, 0.0)
        section.rows.append(
            [f"time in {stage}", f"{share * sampled_seconds * 1000:,.0f} ms ({share:.0%})"]
        )

    section.targets.append(
        Target("peak memory (RSS)", peak, PEAK_MEMORY_GOAL_MB, "MiB", higher_is_better=False)
    )
    section.checks.extend(_checks(contents, runs))
    section.notes.append(
        "peak memory is the peak resident set size (VmHWM) of a process that only opens "
        "the database and runs the import: the whole process, interpreter included"
    )
    section.notes.append(
        "the stage split comes from a separate import in this process, sampled by a "
        f"thread reading every stack each millisecond ({sampled_seconds:.2f} s sampled)"
    )
    section.data.update(
        {
            "file": _as_dict(contents),
            "runs": runs,
            "median_seconds": seconds,
            "stage_shares": shares,
        }
    )
    return section


def _describe_file(contents: IcsContents) -> list[list[str]]:
    return [
        [
            "recurring series / RECURRENCE-ID overrides",
            f"{contents.recurring:,} / {contents.overrides:,}",
        ],
        ["events with a TZID / all-day events", f"{contents.zoned:,} / {contents.all_day:,}"],
        ["expected occurrences in the window", f"{contents.occurrences:,}"],
    ]


def _as_dict(contents: IcsContents) -> dict[str, int]:
    return {
        "vevents": contents.vevents,
        "occurrences": contents.occurrences,
        "recurring": contents.recurring,
        "overrides": contents.overrides,
        "zoned": contents.zoned,
        "all_day": contents.all_day,
        "size_bytes": contents.size_bytes,
    }


def _checks(contents: IcsContents, runs: list[dict[str, Any]]) -> list[Check]:
    checks = []
    for number, run in enumerate(runs, start=1):
        report = run["report"]
        stored = report["created"] + report["cancelled"]
        checks.append(
            Check(
                f"run {number} stored every occurrence without errors",
                stored == contents.occurrences and report["error_count"] == 0,
                f"{stored:,} of {contents.occurrences:,} stored, {report['error_count']} errors "
                f"{report['errors']}",
            )
        )
    return checks


async def _run_in_process(workspace: Workspace, ics: Path) -> dict[str, Any]:
    database = await workspace.fresh_database("import")
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY), environment.get("PYTHONPATH")])
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks._import_child",
            str(database),
            str(ics),
            WINDOW_START.isoformat(),
            WINDOW_END.isoformat(),
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    remove_database(database)
    if completed.returncode != 0:
        raise RuntimeError(f"the import process failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


async def _sample_stages(workspace: Workspace, ics: Path) -> tuple[dict[str, float], float]:
    database = await workspace.fresh_database("import-sampled")
    async with peanut_async.connect(database, plugins=BUILT_IN_PLUGINS) as db:
        api = db.plugin("calendar")
        with StackSampler(classify_import) as sampler:
            started = time.perf_counter()
            await api.import_file(ics, window_start=WINDOW_START, window_end=WINDOW_END)
            elapsed = time.perf_counter() - started
    remove_database(database)
    return sampler.shares(), elapsed
