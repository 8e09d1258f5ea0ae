"""Child processes for the reliability suite: ``python _child.py COMMAND ARGUMENTS_JSON``.

Each command prints one JSON line with its result on standard output. Commands that a
test kills write a marker file at the moment the work to interrupt has started.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from _bulk import SOURCE, bulk_plugin
from _calendar_data import batches, make_events
from _tally import tally_plugin
from _workload import Workload, run_worker

import peanut_async

LONG_QUERY = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
    "SELECT count(*) FROM n"
)


class _MarkOnMessage(logging.Handler):
    """Create ``marker`` when a log message containing ``text`` is emitted."""

    def __init__(self, text: str, marker: Path) -> None:
        super().__init__(logging.DEBUG)
        self._text = text
        self._marker = marker

    def emit(self, record: logging.LogRecord) -> None:
        if self._text in record.getMessage() and not self._marker.exists():
            self._marker.write_text(str(time.monotonic()))


class _AppendOnMessage(logging.Handler):
    """Append each log message containing ``text`` to ``path``, one per line."""

    def __init__(self, text: str, path: Path) -> None:
        super().__init__(logging.DEBUG)
        self._text = text
        self._path = path

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self._text in message:
            with self._path.open("a") as progress:
                progress.write(message + "\n")


def _watch_log(text: str, marker: str, logger_name: str = "peanut_async") -> None:
    logger = logging.getLogger(logger_name)
    logger.setLevel(logging.DEBUG)
    logger.addHandler(_MarkOnMessage(text, Path(marker)))


def _record_progress(path: str, value: object) -> None:
    # Written beside and renamed, so a kill leaves the previous value or the new one.
    partial = Path(path + ".partial")
    partial.write_text(json.dumps(value))
    os.replace(partial, path)


async def migrate(args: dict[str, Any]) -> dict[str, Any]:
    """Open the database with the bulk plugin, marking when its first statement runs.

    Each "applied migration" message, logged after the migration's COMMIT, is appended
    to the ``progress`` file.
    """
    _watch_log(f"migration {SOURCE}/", args["marker"])
    logging.getLogger("peanut_async").addHandler(
        _AppendOnMessage(f"applied migration {SOURCE}/", Path(args["progress"]))
    )
    async with peanut_async.connect(
        args["db"], plugins=(), register=[bulk_plugin(Path(args["folder"]))]
    ):
        pass
    return {"migrated": True}


async def exit_open(args: dict[str, Any]) -> dict[str, Any]:
    """Commit one row, then return without closing, optionally while a query runs."""
    db = await peanut_async.connect(args["db"], plugins=())
    await db.execute(
        "INSERT INTO entities (id, canonical_name, entity_type) VALUES (?, ?, ?)",
        (args["id"], "Exit test", "person"),
    )
    if args.get("query_in_flight"):
        asyncio.get_running_loop().create_task(db.fetch_value(LONG_QUERY))
        await asyncio.sleep(0.2)
    # Keep a reference so the Database is not collected before interpreter shutdown.
    _KEEP.append(db)
    return {"committed": args["id"]}


async def counter(args: dict[str, Any]) -> dict[str, Any]:
    """Open the database, mark it ready, wait for the start file, then count in transactions."""
    plugin = tally_plugin(Path(args["folder"]))
    async with peanut_async.connect(args["db"], plugins=(), register=[plugin]) as db:
        Path(args["ready"]).write_text("ready")
        start = Path(args["start"])
        while not start.exists():
            await asyncio.sleep(0.005)
        started = time.monotonic()
        for step in range(args["transactions"]):
            async with db.transaction():
                value = await db.fetch_value("SELECT value FROM counter WHERE id = 1")
                await db.execute("UPDATE counter SET value = ? WHERE id = 1", (value + 1,))
                await db.execute(
                    "INSERT INTO counter_log (worker, step) VALUES (?, ?)", (args["worker"], step)
                )
        finished = time.monotonic()
    return {"worker": args["worker"], "started": started, "finished": finished}


async def size_limit(args: dict[str, Any]) -> dict[str, Any]:
    """Commit 10-row batches until a file size limit stops a write; report what happened.

    The limit is ``room`` bytes above the largest of the database and WAL files.
    """
    async with peanut_async.connect(args["db"], plugins=()) as db:
        await db.execute("CREATE TABLE items (batch INTEGER, n INTEGER, payload BLOB)")
        # Past the limit, write(2) fails with EFBIG instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        files = [Path(args["db"]), Path(args["db"] + "-wal")]
        limit = max(path.stat().st_size for path in files if path.exists()) + args["room"]
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        committed = 0
        error: BaseException | None = None
        try:
            while True:
                async with db.transaction():
                    for n in range(10):
                        await db.execute(
                            "INSERT INTO items VALUES (?, ?, randomblob(?))",
                            (committed, n, args["blob"]),
                        )
                committed += 1
        except Exception as raised:  # reported to the test, which checks it
            error = raised
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    return {
        "committed": committed,
        "error": f"{type(error).__name__}: {error}",
        "error_is_database_error": isinstance(error, peanut_async.DatabaseError),
    }


async def ingest(args: dict[str, Any]) -> dict[str, Any]:
    """Ingest generated events in batches, marking when the first batch starts.

    After each batch returns, the number of batches committed so far is written to the
    ``progress`` file.
    """
    events = make_events(range(args["count"]), seed=args["seed"])
    async with peanut_async.connect(args["db"], plugins=["calendar"]) as db:
        calendar = db.plugin("calendar")
        Path(args["marker"]).write_text(str(time.monotonic()))
        for number, batch in enumerate(batches(events, args["batch"]), start=1):
            await calendar.ingest_events(batch)
            _record_progress(args["progress"], number)
    return {"ingested": len(events)}


async def calendar_worker(args: dict[str, Any]) -> dict[str, Any]:
    """Open the database, mark it ready, wait for the start file, then run the workload."""
    async with peanut_async.connect(args["db"], plugins=["calendar", "values"]) as db:
        Path(args["ready"]).write_text("ready")
        start = Path(args["start"])
        while not start.exists():
            await asyncio.sleep(0.005)
        started = time.monotonic()
        await run_worker(db, Workload(**args["workload"]), args["worker"])
        finished = time.monotonic()
    return {"worker": args["worker"], "started": started, "finished": finished}


async def import_file(args: dict[str, Any]) -> dict[str, Any]:
    """Import one calendar file, marking when its events start being written.

    ``window_start`` and ``window_end``, when given, are ISO 8601 instants. When
    ``progress`` is given, the number of events created is written there once the
    import has returned.

    aiosqlite logs each call it runs in its worker thread at DEBUG level, so the
    marker appears when the call writing the events starts.
    """
    _watch_log("ingest_batch", args["marker"], logger_name="aiosqlite")
    window = {
        key: datetime.fromisoformat(args[key])
        for key in ("window_start", "window_end")
        if key in args
    }
    async with peanut_async.connect(args["db"], plugins=["calendar"]) as db:
        report = await db.plugin("calendar").import_file(args["file"], **window)
        if "progress" in args:
            _record_progress(args["progress"], report.created)
    return {"created": report.created, "errors": len(report.errors)}


_KEEP: list[peanut_async.Database] = []

COMMANDS: dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "migrate": migrate,
    "exit-open": exit_open,
    "counter": counter,
    "size-limit": size_limit,
    "ingest": ingest,
    "calendar-worker": calendar_worker,
    "import": import_file,
}


def main() -> None:
    command, raw = sys.argv[1], sys.argv[2]
    result = asyncio.run(COMMANDS[command](json.loads(raw)))
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
