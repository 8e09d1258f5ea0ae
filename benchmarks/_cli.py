"""Command line of the benchmarks: choose the mode and the benchmarks, print, write JSON."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from ._concurrency import run_concurrency
from ._databases import Workspace
from ._decisions import run_decisions
from ._import import run_import
from ._ingest import run_ingest
from ._markdown import render_markdown
from ._open import run_open
from ._report import Section, describe_machine, load_average, render, write_json
from ._settings import FULL, QUICK, Settings

Benchmark = Callable[[Workspace, Settings], Awaitable[Section]]

BENCHMARKS: dict[str, Benchmark] = {
    "ingest": run_ingest,
    "import": run_import,
    "open": run_open,
    "decisions": run_decisions,
    "concurrency": run_concurrency,
}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure peanut-async against plain sqlite3 and naive aiosqlite.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and few runs (under a minute); the default is the full mode",
    )
    parser.add_argument(
        "--output", type=Path, metavar="PATH.json", help="also write the results to this file"
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="PATH.md",
        help="also write the tables as Markdown, for docs/benchmarks.md",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(BENCHMARKS),
        metavar="NAME",
        help=f"run only these benchmarks ({', '.join(BENCHMARKS)}); default: all",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        metavar="PATH",
        help="folder for the temporary databases (default: a new folder in the system's "
        "temporary directory, deleted afterwards)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; return 1 when a correctness check failed, else 0."""
    arguments = parse_arguments(argv)
    settings = QUICK if arguments.quick else FULL
    names = arguments.only or list(BENCHMARKS)
    machine = describe_machine()
    print(
        f"peanut-async benchmarks, {settings.mode} mode: {machine['cores']} cores "
        f"({machine['cpu']}), Python {machine['python']}, SQLite {machine['sqlite']}, "
        f"{machine['date']}, load average {machine['load_average_at_start']}",
        flush=True,
    )
    started = time.perf_counter()
    if arguments.workdir is not None:
        arguments.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peanut-bench-", dir=arguments.workdir) as root:
        sections = asyncio.run(_run_all(Workspace(Path(root)), settings, names))
    machine["load_average_at_end"] = load_average()
    print(
        f"finished in {time.perf_counter() - started:.1f} s, load average "
        f"{machine['load_average_at_end']}",
        flush=True,
    )

    if arguments.output is not None:
        write_json(arguments.output, machine, settings.mode, sections)
        print(f"results written to {arguments.output}")
    if arguments.markdown is not None:
        markdown = render_markdown(machine, settings.mode, sections)
        arguments.markdown.write_text(markdown + "\n", encoding="utf-8")
        print(f"Markdown tables written to {arguments.markdown}")
    failed = [section.name for section in sections if not section.passed]
    if failed:
        print(f"correctness checks FAILED in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


async def _run_all(workspace: Workspace, settings: Settings, names: list[str]) -> list[Section]:
    sections = []
    for name in names:
        started = time.perf_counter()
        section = await BENCHMARKS[name](workspace, settings)
        print(render(section), flush=True)
        print(f"  ({name}: {time.perf_counter() - started:.1f} s)\n", flush=True)
        sections.append(section)
    return sections
