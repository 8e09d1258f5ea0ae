"""Cancellation and timeouts inside transactions: all or nothing, and the database stays usable.

asyncio's own cancellation (``asyncio.timeout``, ``Task.cancel()``) ignores anyio's
shielded scopes, so each rule is checked with both asyncio and anyio timeouts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest
from _sqlite_checks import query

from peanut_async import Database

TASKS = 200
ROWS_PER_TRANSACTION = 5
SEED = 7_331
# Counts to 3 million in SQLite: long enough to keep the worker thread busy for a while.
BUSY_QUERY = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
    "SELECT count(*) FROM n"
)

TIMEOUT_KINDS = ["asyncio", "anyio"]


@asynccontextmanager
async def _within(kind: str, seconds: float) -> AsyncIterator[None]:
    """Raise TimeoutError after ``seconds``, by asyncio.timeout or by anyio.fail_after."""
    if kind == "asyncio":
        async with asyncio.timeout(seconds):
            yield
    else:
        with anyio.fail_after(seconds):
            yield


async def _write_batch(db: Database, batch: int) -> None:
    async with db.transaction():
        for n in range(ROWS_PER_TRANSACTION):
            await db.execute("INSERT INTO items (batch, n) VALUES (?, ?)", (batch, n))


async def _batch_sizes(db: Database) -> dict[int, int]:
    rows = await db.fetch_all("SELECT batch, count(*) FROM items GROUP BY batch")
    return {row[0]: row[1] for row in rows}


async def _assert_usable(db: Database, batch: int) -> None:
    """Check a new transaction commits and a second connection reads it, so none is left open."""
    await _write_batch(db, batch)
    await db.execute("INSERT INTO items (batch, n) VALUES (?, 99)", (batch,))
    seen = query(Path(db.path), "SELECT count(*) FROM items WHERE batch = ?", (batch,))
    assert seen == [(ROWS_PER_TRANSACTION + 1,)]


@pytest.mark.parametrize("kind", TIMEOUT_KINDS)
async def test_timeout_while_begin_is_queued(core_db: Database, kind: str) -> None:
    # A statement abandoned by its caller keeps running in the worker thread, so the
    # next BEGIN waits behind it and the timeout fires while BEGIN is still queued.
    with pytest.raises(TimeoutError):
        async with _within(kind, 0.05):
            await core_db.fetch_value(BUSY_QUERY)
    with pytest.raises(TimeoutError):
        async with _within(kind, 0.1):
            await _write_batch(core_db, 1)

    assert await _batch_sizes(core_db) == {}
    await _assert_usable(core_db, 2)


@pytest.mark.parametrize("kind", TIMEOUT_KINDS)
async def test_concurrent_timeouts_are_all_or_nothing(core_db: Database, kind: str) -> None:
    rng = random.Random(SEED)

    async def attempt(batch: int) -> bool:
        try:
            async with _within(kind, rng.uniform(0, 0.05)):
                await _write_batch(core_db, batch)
        except TimeoutError:
            return False
        return True

    finished = await asyncio.gather(*(attempt(batch) for batch in range(TASKS)))

    sizes = await _batch_sizes(core_db)
    assert set(sizes.values()) <= {ROWS_PER_TRANSACTION}
    # A transaction that returned normally is committed; one that timed out may or may
    # not be, depending on whether its COMMIT had already been queued.
    assert {batch for batch, done in enumerate(finished) if done} <= set(sizes)
    assert 0 < sum(finished) < TASKS
    await _assert_usable(core_db, TASKS)


async def test_task_cancel_inside_nested_transaction(core_db: Database) -> None:
    inside = asyncio.Event()

    async def nested() -> None:
        async with core_db.transaction():
            await core_db.execute("INSERT INTO items (batch, n) VALUES (1, 0)")
            async with core_db.transaction():
                await core_db.execute("INSERT INTO items (batch, n) VALUES (1, 1)")
                inside.set()
                await core_db.fetch_value(BUSY_QUERY)

    task = asyncio.create_task(nested())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await _batch_sizes(core_db) == {}
    await _assert_usable(core_db, 2)


async def test_cancelled_tasks_waiting_for_lock(core_db: Database) -> None:
    # Tasks queued on the write lock are cancelled before they ever start a transaction.
    holder_inside = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with core_db.transaction():
            await core_db.execute("INSERT INTO items (batch, n) VALUES (0, 0)")
            holder_inside.set()
            await release.wait()

    holding = asyncio.create_task(holder())
    await holder_inside.wait()
    waiting = [asyncio.create_task(_write_batch(core_db, batch)) for batch in range(1, 51)]
    await asyncio.sleep(0.01)
    for task in waiting[::2]:
        task.cancel()
    release.set()
    results = await asyncio.gather(holding, *waiting, return_exceptions=True)

    cancelled = [isinstance(result, asyncio.CancelledError) for result in results[1:]]
    assert cancelled == [batch % 2 == 1 for batch in range(1, 51)]
    assert await _batch_sizes(core_db) == {0: 1} | {
        batch: ROWS_PER_TRANSACTION for batch in range(2, 51, 2)
    }
    await _assert_usable(core_db, 100)
