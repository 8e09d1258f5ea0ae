"""One ``import_file`` in a process of its own; prints its time and peak memory as JSON.

Run as ``python -m benchmarks._import_child DATABASE FILE WINDOW_START WINDOW_END``.
Peak memory is the process's peak resident set size, ``VmHWM`` in ``/proc/self/status``
on Linux. A fresh process makes it the peak of this one import. ``ru_maxrss`` is no
substitute there, because Linux carries the parent's peak into a child started with
fork or vfork and exec, so a large benchmark process would be counted as the child's.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import peanut_async

from ._databases import BUILT_IN_PLUGINS


def peak_rss_mb() -> float:
    """Return the peak resident set size of this process in MiB.

    Outside Linux, where ``/proc/self/status`` is missing, ``ru_maxrss`` is used
    instead. It is in KiB on Linux and the BSDs but in bytes on macOS.
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        maximum = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return maximum / (1024 * 1024) if sys.platform == "darwin" else maximum / 1024
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM line in /proc/self/status")


async def import_once(database: str, file: str, start: datetime, end: datetime) -> dict[str, Any]:
    """Import ``file`` into ``database``; return seconds, peak memory and the report."""
    async with peanut_async.connect(database, plugins=BUILT_IN_PLUGINS) as db:
        before = peak_rss_mb()
        started = time.perf_counter()
        report = await db.plugin("calendar").import_file(file, window_start=start, window_end=end)
        elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "peak_rss_mb_before": before,
        "peak_rss_mb": peak_rss_mb(),
        "report": {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "cancelled": report.cancelled,
            "stale": report.stale,
            "errors": [issue.describe() for issue in report.errors[:5]],
            "error_count": len(report.errors),
            "warning_count": len(report.warnings),
        },
    }


def main(argv: list[str]) -> int:
    """Run one import and print its result as one line of JSON."""
    database, file, start, end = argv
    result = asyncio.run(
        import_once(database, file, datetime.fromisoformat(start), datetime.fromisoformat(end))
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
