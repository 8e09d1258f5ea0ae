"""Closing never hangs, stops aiosqlite's worker thread, and an unclosed process still exits."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from pathlib import Path

import pytest
from _processes import lasting_threads, run_child, worker_threads
from _sqlite_checks import query

import peanut_async
from peanut_async import MigrationFailedError, PeanutError, Plugin

QUERIES_IN_FLIGHT = 100
OPEN_CLOSE_CYCLES = 30
# A statement that runs for several seconds in SQLite unless interrupted.
LONG_QUERY = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000000) "
    "SELECT count(*) FROM n"
)
CLOSE_SECONDS = 1.0


def _new_workers(before: list[threading.Thread]) -> list[threading.Thread]:
    return [thread for thread in worker_threads() if thread not in before]


def _still_alive(threads: set[threading.Thread]) -> set[threading.Thread]:
    # A worker thread of a database closed by an earlier test may end during this one.
    return {thread for thread in threads if thread.is_alive()}


async def test_close_with_queries_in_flight(tmp_path: Path) -> None:
    threads_before = lasting_threads()
    workers_before = worker_threads()
    db = await peanut_async.connect(tmp_path / "busy.db", plugins=())
    (worker,) = _new_workers(workers_before)
    tasks = [
        asyncio.create_task(db.fetch_value("SELECT count(*) FROM sqlite_schema"))
        for _ in range(QUERIES_IN_FLIGHT)
    ]
    await asyncio.sleep(0)

    await db.aclose()
    results = await asyncio.gather(*tasks, return_exceptions=True)

    assert all(isinstance(result, int | PeanutError) for result in results)
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert lasting_threads() == _still_alive(threads_before)


async def test_close_during_long_statement_returns_promptly(tmp_path: Path) -> None:
    workers_before = worker_threads()
    db = await peanut_async.connect(tmp_path / "long.db", plugins=())
    (worker,) = _new_workers(workers_before)
    running = asyncio.create_task(db.fetch_value(LONG_QUERY))
    await asyncio.sleep(0.1)

    started = time.monotonic()
    await db.aclose()
    elapsed = time.monotonic() - started

    assert elapsed < CLOSE_SECONDS
    with pytest.raises(PeanutError):
        await running
    worker.join(timeout=5)
    assert not worker.is_alive()


async def test_close_with_transaction_in_flight_rolls_back(tmp_path: Path) -> None:
    db = await peanut_async.connect(tmp_path / "tx.db", plugins=())
    await db.execute("CREATE TABLE items (n INTEGER)")
    inside = asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES (1)")
            inside.set()
            await asyncio.sleep(0.05)
            await db.execute("INSERT INTO items VALUES (2)")

    task = asyncio.create_task(writer())
    await inside.wait()
    await db.aclose()

    with pytest.raises(PeanutError):
        await task
    assert query(Path(db.path), "SELECT n FROM items") == []


async def test_cancelled_close_still_closes(tmp_path: Path) -> None:
    workers_before = worker_threads()
    db = await peanut_async.connect(tmp_path / "cancel.db", plugins=())
    (worker,) = _new_workers(workers_before)
    queries = [asyncio.create_task(db.fetch_value("SELECT 1")) for _ in range(QUERIES_IN_FLIGHT)]
    closing = asyncio.create_task(db.aclose())
    await asyncio.sleep(0)
    closing.cancel()

    await asyncio.gather(closing, *queries, return_exceptions=True)

    assert db.is_closed
    worker.join(timeout=5)
    assert not worker.is_alive()


async def test_open_close_cycles_leave_no_thread(tmp_path: Path) -> None:
    failing = tmp_path / "failing"
    failing.mkdir()
    (failing / "001_broken.sql").write_text("CREATE TABLE broken (;\n")
    broken = Plugin(name="broken", tables={}, api_factory=lambda db: None, migrations=failing)
    threads_before = lasting_threads()
    workers_before = worker_threads()
    started: list[threading.Thread] = []

    for cycle in range(OPEN_CLOSE_CYCLES):
        async with peanut_async.connect(tmp_path / f"cycle{cycle % 3}.db", plugins=()) as db:
            started += _new_workers(workers_before + started)
            await db.fetch_value("SELECT 1")
        with pytest.raises(MigrationFailedError):
            await peanut_async.connect(tmp_path / "broken.db", plugins=(), register=[broken])
        started += _new_workers(workers_before + started)

    # aclose() returns once the worker has closed the connection; the thread ends
    # just after, so wait for it before counting.
    for thread in started:
        thread.join(timeout=5)
    assert _new_workers(workers_before) == []
    assert lasting_threads() == _still_alive(threads_before)


@pytest.mark.parametrize("query_in_flight", [False, True], ids=["idle", "query-in-flight"])
def test_process_exit_without_close_does_not_hang(tmp_path: Path, query_in_flight: bool) -> None:
    db = tmp_path / "unclosed.db"
    row_id = str(uuid.uuid4())

    started = time.monotonic()
    result = run_child(
        "exit-open", {"db": str(db), "id": row_id, "query_in_flight": query_in_flight}, timeout=30
    )

    assert result == {"committed": row_id}
    assert time.monotonic() - started < 15
    assert query(db, "SELECT id FROM entities") == [(row_id,)]
