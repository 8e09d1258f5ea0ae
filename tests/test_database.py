"""Tests of Database: statements, transactions, the write lock, cancellation and errors."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path

import anyio
import pytest

import peanut_async
from peanut_async import Database, DatabaseClosedError, DatabaseError, Plugin, StorageFullError

Connector = Callable[..., Awaitable[Database]]


@pytest.fixture
async def db(peanut_connect: Connector) -> Database:
    database = await peanut_connect(plugins=())
    await database.execute("CREATE TABLE items (name TEXT PRIMARY KEY, size INTEGER)")
    return database


async def _names(db: Database) -> list[str]:
    return [row["name"] for row in await db.fetch_all("SELECT name FROM items ORDER BY name")]


def _in_transaction(db: Database) -> bool:
    # The connection's own flag, read through the worker thread's connection object.
    return db._connection._conn.in_transaction


# Statements ----------------------------------------------------------------------------


async def test_execute_returns_row_count(db: Database) -> None:
    await db.executemany("INSERT INTO items VALUES (?, ?)", [("a", 1), ("b", 2), ("c", 3)])

    assert await db.execute("UPDATE items SET size = size * 10 WHERE size > 1") == 2


async def test_executemany_returns_total_row_count(db: Database) -> None:
    rows = [("a", 1), ("b", 2), ("c", 3)]

    assert await db.executemany("INSERT INTO items VALUES (?, ?)", rows) == 3


async def test_executemany_failure_writes_no_row(db: Database) -> None:
    rows = [("a", 1), ("b", 2), ("a", 3)]

    with pytest.raises(DatabaseError, match="UNIQUE constraint failed"):
        await db.executemany("INSERT INTO items VALUES (?, ?)", rows)

    assert await _names(db) == []
    assert not _in_transaction(db)


async def test_executemany_failure_inside_transaction(db: Database) -> None:
    async with db.transaction():
        await db.execute("INSERT INTO items VALUES ('before', 0)")
        with pytest.raises(DatabaseError, match="UNIQUE constraint failed"):
            await db.executemany("INSERT INTO items VALUES (?, ?)", [("a", 1), ("before", 2)])
        await db.execute("INSERT INTO items VALUES ('after', 3)")

    assert await _names(db) == ["after", "before"]


async def test_fetch_all_returns_rows_by_column_name(db: Database) -> None:
    await db.execute("INSERT INTO items VALUES (:name, :size)", {"name": "a", "size": 7})

    rows = await db.fetch_all("SELECT name, size FROM items")

    assert [(row["name"], row["size"]) for row in rows] == [("a", 7)]


async def test_fetch_one_returns_none_without_rows(db: Database) -> None:
    assert await db.fetch_one("SELECT name FROM items") is None


async def test_fetch_value_returns_first_column(db: Database) -> None:
    await db.execute("INSERT INTO items VALUES ('a', 7)")

    assert await db.fetch_value("SELECT size, name FROM items") == 7
    assert await db.fetch_value("SELECT size FROM items WHERE name = 'z'") is None


async def test_run_sync_passes_connection_and_arguments(db: Database) -> None:
    def insert_many(conn: sqlite3.Connection, prefix: str, count: int) -> int:
        for index in range(count):
            conn.execute("INSERT INTO items VALUES (?, ?)", (f"{prefix}{index}", index))
        return count

    assert await db.run_sync(insert_many, "n", 3) == 3
    assert await _names(db) == ["n0", "n1", "n2"]


def _insert_then_fail(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("INSERT INTO items VALUES (?, 1)", (name,))
    raise RuntimeError("after the insert")


async def test_run_sync_failure_writes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError, match="after the insert"):
        await db.run_sync(_insert_then_fail, "half")

    assert await _names(db) == []
    assert not _in_transaction(db)


async def test_run_sync_runs_in_write_transaction(db: Database) -> None:
    def write_lock_taken(conn: sqlite3.Connection) -> bool:
        with closing(sqlite3.connect(db.path, timeout=0)) as other:
            try:
                other.execute("INSERT INTO items VALUES ('other', 0)")
            except sqlite3.OperationalError:
                return conn.in_transaction
        return False

    assert await db.run_sync(write_lock_taken) is True


async def test_run_sync_failure_inside_transaction_keeps_block(db: Database) -> None:
    # Inside a transaction the function gets a savepoint: its failure undoes only its
    # own writes, and the block can go on.
    async with db.transaction():
        await db.execute("INSERT INTO items VALUES ('before', 0)")
        with pytest.raises(RuntimeError):
            await db.run_sync(_insert_then_fail, "half")
        await db.execute("INSERT INTO items VALUES ('after', 2)")

    assert await _names(db) == ["after", "before"]


async def test_run_sync_ending_transaction_itself_raises(db: Database) -> None:
    def commit_half(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO items VALUES ('first', 1)")
        conn.execute("COMMIT")
        conn.execute("INSERT INTO items VALUES ('second', 2)")

    with pytest.raises(DatabaseError, match="ended before the function returned") as caught:
        await db.run_sync(commit_half)

    assert caught.value.operation.endswith(".<locals>.commit_half)")
    # As the error message states, the statements were committed one at a time.
    assert await _names(db) == ["first", "second"]
    assert not _in_transaction(db)


async def test_run_sync_ending_outer_transaction_stops_block(db: Database) -> None:
    def commit(conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")

    with pytest.raises(DatabaseError) as caught:
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('a', 1)")
            with pytest.raises(DatabaseError, match="ended before the function returned"):
                await db.run_sync(commit)
            await db.execute("INSERT INTO items VALUES ('b', 2)")

    assert str(caught.value).startswith(
        "run_sync(test_run_sync_ending_outer_transaction_stops_block.<locals>.commit) ended "
        "the transaction; what it committed stays committed. Let that error leave"
    )

    # The function's COMMIT wrote 'a'; the statement after it never ran.
    assert await _names(db) == ["a"]
    assert not _in_transaction(db)


async def test_run_sync_error_names_function(db: Database) -> None:
    def select_missing(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT * FROM missing")

    with pytest.raises(DatabaseError, match="no such table: missing") as caught:
        await db.run_sync(select_missing)

    operation = "run_sync(test_run_sync_error_names_function.<locals>.select_missing)"
    assert caught.value.operation == operation
    assert str(caught.value).startswith(f"{operation} failed: ")
    assert caught.value.path == db.path


async def test_run_sync_read_only_rejects_writes(db: Database) -> None:
    def insert(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO items VALUES ('a', 1)")

    with pytest.raises(DatabaseError, match="attempt to write a readonly database"):
        await db.run_sync(insert, read_only=True)

    assert await _names(db) == []
    await db.execute("INSERT INTO items VALUES ('b', 2)")
    assert await _names(db) == ["b"]


@pytest.mark.timeout(10)
async def test_run_sync_read_only_ignores_other_writers(peanut_connect: Connector) -> None:
    # A read-only call reads a snapshot and does not wait for another connection's
    # write lock. A default call takes that lock, so it waits busy_timeout for it.
    db = await peanut_connect(plugins=(), busy_timeout=0.2)
    await db.execute("CREATE TABLE items (name TEXT PRIMARY KEY)")

    def count(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])

    with closing(sqlite3.connect(db.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO items VALUES ('uncommitted')")

        assert await db.run_sync(count, read_only=True) == 0
        with pytest.raises(DatabaseError, match="database is locked"):
            await db.run_sync(count)


async def test_run_sync_read_only_sees_one_snapshot(db: Database) -> None:
    def count_twice(conn: sqlite3.Connection) -> tuple[int, int]:
        first = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        with closing(sqlite3.connect(db.path, isolation_level=None)) as other:
            other.execute("INSERT INTO items VALUES ('meanwhile', 1)")
        second = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        return first, second

    assert await db.run_sync(count_twice, read_only=True) == (0, 0)
    assert await _names(db) == ["meanwhile"]


# Transactions --------------------------------------------------------------------------


async def test_transaction_commits_on_success(db: Database) -> None:
    async with db.transaction():
        await db.execute("INSERT INTO items VALUES ('a', 1)")

    with closing(sqlite3.connect(db.path)) as other:
        assert other.execute("SELECT name FROM items").fetchall() == [("a",)]


async def test_transaction_takes_write_lock_at_begin(db: Database) -> None:
    # BEGIN IMMEDIATE: another connection cannot write even before this one writes.
    with closing(sqlite3.connect(db.path, timeout=0)) as other:
        async with db.transaction():
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("INSERT INTO items VALUES ('other', 0)")


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(ValueError, match="boom"):
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('a', 1)")
            raise ValueError("boom")

    assert await _names(db) == []
    assert not _in_transaction(db)


async def test_transaction_rolls_back_on_database_error(db: Database) -> None:
    await db.execute("INSERT INTO items VALUES ('a', 1)")

    with pytest.raises(DatabaseError, match="UNIQUE constraint failed"):
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('b', 2)")
            await db.execute("INSERT INTO items VALUES ('a', 3)")

    assert await _names(db) == ["a"]
    assert not _in_transaction(db)


async def test_run_sync_inside_transaction_joins_it(db: Database) -> None:
    def insert(conn: sqlite3.Connection) -> bool:
        conn.execute("INSERT INTO items VALUES ('bulk', 1)")
        return conn.in_transaction

    with pytest.raises(RuntimeError):
        async with db.transaction():
            assert await db.run_sync(insert) is True
            raise RuntimeError

    assert await _names(db) == []


async def test_failed_commit_rolls_back(db: Database) -> None:
    # A deferred foreign key is checked at COMMIT, after every statement succeeded.
    await db.execute(
        "CREATE TABLE links (item TEXT REFERENCES items (name) DEFERRABLE INITIALLY DEFERRED)"
    )

    with pytest.raises(DatabaseError, match="FOREIGN KEY constraint failed"):
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('a', 1)")
            await db.execute("INSERT INTO links VALUES ('missing')")

    assert await _names(db) == []
    assert not _in_transaction(db)


# Savepoints ----------------------------------------------------------------------------


async def test_nested_failure_rolls_back_inner_only(db: Database) -> None:
    async with db.transaction():
        await db.execute("INSERT INTO items VALUES ('outer', 1)")
        with pytest.raises(ValueError, match="inner"):
            async with db.transaction():
                await db.execute("INSERT INTO items VALUES ('inner', 2)")
                raise ValueError("inner")
        await db.execute("INSERT INTO items VALUES ('after', 3)")

    assert await _names(db) == ["after", "outer"]


async def test_nested_success_commits_with_outer(db: Database) -> None:
    async with db.transaction(), db.transaction():
        await db.execute("INSERT INTO items VALUES ('inner', 1)")
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('innermost', 2)")

    assert await _names(db) == ["inner", "innermost"]


async def test_outer_failure_rolls_back_released_savepoint(db: Database) -> None:
    with pytest.raises(ValueError, match="outer"):
        async with db.transaction():
            async with db.transaction():
                await db.execute("INSERT INTO items VALUES ('inner', 1)")
            raise ValueError("outer")

    assert await _names(db) == []


async def test_cancelled_nested_block_rolls_back_inner_only(db: Database) -> None:
    async with db.transaction():
        await db.execute("INSERT INTO items VALUES ('outer', 1)")
        with anyio.move_on_after(0.05):
            async with db.transaction():
                await db.execute("INSERT INTO items VALUES ('inner', 2)")
                await anyio.sleep(5)

    assert await _names(db) == ["outer"]


# Cancellation --------------------------------------------------------------------------


async def test_cancel_scope_inside_transaction_leaves_nothing(db: Database) -> None:
    with anyio.move_on_after(0.05) as scope:
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('a', 1)")
            await anyio.sleep(5)

    assert scope.cancelled_caught
    assert await _names(db) == []
    assert not _in_transaction(db)


async def test_database_usable_after_cancelled_transaction(db: Database) -> None:
    with anyio.move_on_after(0.05):
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('a', 1)")
            await anyio.sleep(5)

    async with db.transaction():
        await db.execute("INSERT INTO items VALUES ('b', 2)")

    assert await _names(db) == ["b"]


async def test_task_cancel_inside_transaction_leaves_nothing(db: Database) -> None:
    written = asyncio.Event()

    async def write_then_wait() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('a', 1)")
            written.set()
            await asyncio.sleep(5)

    task = asyncio.create_task(write_then_wait())
    await written.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await _names(db) == []
    assert not _in_transaction(db)


async def test_task_cancel_during_statement_leaves_nothing(db: Database) -> None:
    # Cancelled while awaiting the write itself: the statement still finishes in the
    # worker thread, and the rollback queued behind it undoes it.
    started = asyncio.Event()

    async def slow_write() -> None:
        async with db.transaction():
            started.set()
            await db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)"
                " INSERT INTO items SELECT 'n' || i, i FROM n"
            )

    task = asyncio.create_task(slow_write())
    await started.wait()
    await asyncio.sleep(0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await db.fetch_value("SELECT count(*) FROM items") == 0
    assert not _in_transaction(db)


async def test_task_cancel_while_waiting_for_begin(db: Database) -> None:
    # Another connection holds the write lock, so BEGIN IMMEDIATE waits in the worker
    # thread. Task.cancel() interrupts that wait even though it is shielded, and the
    # BEGIN succeeds later, when a thread releases the other connection's lock.
    other = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    with closing(other):
        other.execute("BEGIN IMMEDIATE")
        waiting = asyncio.Event()

        async def begin() -> None:
            waiting.set()
            async with db.transaction():
                await db.execute("INSERT INTO items VALUES ('never', 1)")

        task = asyncio.create_task(begin())
        await waiting.wait()
        await asyncio.sleep(0.05)
        release = threading.Timer(0.1, other.execute, ("ROLLBACK",))
        release.start()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.join()

    async with db.transaction():
        await db.execute("INSERT INTO items VALUES ('later', 2)")

    assert await _names(db) == ["later"]
    assert not _in_transaction(db)


async def test_cancel_scope_while_waiting_for_begin(db: Database) -> None:
    # The shielded BEGIN waits for the other connection's lock until a thread releases
    # it. The cancellation is then delivered inside the block, which rolls back.
    other = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    with closing(other):
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.2, other.execute, ("ROLLBACK",))
        release.start()
        with anyio.move_on_after(0.05) as scope:
            async with db.transaction():
                await db.execute("INSERT INTO items VALUES ('never', 1)")
                await anyio.sleep(5)
        release.join()

    assert scope.cancelled_caught
    assert await _names(db) == []
    assert not _in_transaction(db)


@pytest.mark.timeout(10)
async def test_begin_gives_up_after_busy_timeout(peanut_connect: Connector) -> None:
    # The timeout marker is the check: the wait must follow busy_timeout (0.2 s).
    db = await peanut_connect(plugins=(), busy_timeout=0.2)
    with closing(sqlite3.connect(db.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")

        with pytest.raises(DatabaseError, match=r"database is locked.*retry later") as caught:
            async with db.transaction():
                pass

    assert "longer than busy_timeout (0.2 s)" in str(caught.value)
    assert "pass a larger busy_timeout to connect()" in str(caught.value)

    assert not _in_transaction(db)


# The write lock ------------------------------------------------------------------------


async def test_concurrent_transactions_do_not_interleave(db: Database) -> None:
    await db.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
    await db.execute("INSERT INTO counter VALUES (0)")

    async def increment() -> None:
        async with db.transaction():
            value = await db.fetch_value("SELECT n FROM counter")
            await anyio.sleep(0)
            await db.execute("UPDATE counter SET n = ?", (value + 1,))

    async with anyio.create_task_group() as group:
        for _ in range(50):
            group.start_soon(increment)

    assert await db.fetch_value("SELECT n FROM counter") == 50


async def test_other_task_statement_waits(db: Database) -> None:
    # Without the lock the other task's insert would land inside this transaction and
    # be rolled back with it.
    inside = anyio.Event()

    async def failing_transaction() -> None:
        with pytest.raises(ValueError, match="undo"):
            async with db.transaction():
                await db.execute("INSERT INTO items VALUES ('rolled back', 1)")
                inside.set()
                await anyio.sleep(0.05)
                raise ValueError("undo")

    async def plain_insert() -> None:
        await inside.wait()
        await db.execute("INSERT INTO items VALUES ('kept', 2)")

    async with anyio.create_task_group() as group:
        group.start_soon(failing_transaction)
        group.start_soon(plain_insert)

    assert await _names(db) == ["kept"]


# Errors --------------------------------------------------------------------------------


async def test_sqlite_error_becomes_database_error(db: Database) -> None:
    with pytest.raises(DatabaseError, match="no such table: missing") as caught:
        await db.fetch_all("SELECT * FROM missing")

    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert "'SELECT * FROM missing'" in str(caught.value)


async def test_statement_error_carries_operation_and_path(db: Database) -> None:
    with pytest.raises(DatabaseError) as caught:
        await db.fetch_all("\n  SELECT name\n  FROM missing")

    assert caught.value.operation == "SELECT name"
    assert caught.value.path == db.path


@pytest.mark.parametrize(
    ("sql", "params", "sqlite_message"),
    [
        pytest.param(
            "INSERT INTO items VALUES (?, ?)",
            (),
            "The current statement uses 2, and there are 0 supplied.",
            id="bindings",
        ),
        pytest.param(
            "SELECT 1; SELECT 2", (), "You can only execute one statement at a time.", id="two"
        ),
    ],
)
async def test_error_message_ends_sentence_once(
    db: Database, sql: str, params: tuple[object, ...], sqlite_message: str
) -> None:
    with pytest.raises(DatabaseError) as caught:
        await db.execute(sql, params)

    message = str(caught.value)
    assert sqlite_message in message
    assert ".." not in message
    assert message.endswith(".")


async def test_too_large_integer_becomes_database_error(db: Database) -> None:
    with pytest.raises(DatabaseError, match="too large to convert to SQLite INTEGER") as caught:
        await db.execute("INSERT INTO items VALUES ('big', ?)", (2**63,))

    assert isinstance(caught.value.__cause__, OverflowError)
    assert await _names(db) == []


async def test_full_database_raises_storage_full(db: Database) -> None:
    pages = await db.fetch_value("PRAGMA page_count")
    await db.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(StorageFullError, match="database or disk is full") as caught:
        await db.execute("INSERT INTO items VALUES (?, 1)", ("x" * 100_000,))

    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert await _names(db) == []


async def test_full_database_in_transaction_raises_storage_full(db: Database) -> None:
    await db.execute("INSERT INTO items VALUES ('small', 1)")
    pages = await db.fetch_value("PRAGMA page_count")
    await db.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(StorageFullError):
        async with db.transaction():
            await db.execute("DELETE FROM items")
            await db.execute("INSERT INTO items VALUES (?, 1)", ("x" * 100_000,))

    assert await _names(db) == ["small"]
    assert not _in_transaction(db)


async def test_transaction_ended_by_sqlite_rejects_statements(db: Database) -> None:
    # On a full database SQLite rolls back the whole transaction, savepoints included.
    # A statement after that would run outside any transaction and commit on its own.
    await db.execute("INSERT INTO items VALUES ('small', 1)")
    pages = await db.fetch_value("PRAGMA page_count")
    await db.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(DatabaseError, match="rolled back by SQLite") as caught:
        async with db.transaction():
            await db.execute("DELETE FROM items")
            with pytest.raises(StorageFullError):
                async with db.transaction():
                    await db.execute("INSERT INTO items VALUES (?, 1)", ("x" * 100_000,))
            await db.execute("INSERT INTO items VALUES ('after', 2)")

    assert "database or disk is full" in str(caught.value)
    assert await _names(db) == ["small"]
    assert not _in_transaction(db)


# Closing -------------------------------------------------------------------------------


async def test_aclose_twice_is_harmless(db: Database) -> None:
    await db.aclose()
    await db.aclose()

    assert db.is_closed


async def test_statement_after_close_raises_closed(db: Database) -> None:
    await db.aclose()

    with pytest.raises(DatabaseClosedError, match="is closed") as caught:
        await db.execute("SELECT 1")

    assert caught.value.path == db.path
    assert caught.value.operation == "SELECT 1"


async def test_transaction_after_close_raises_closed(db: Database) -> None:
    await db.aclose()

    with pytest.raises(DatabaseClosedError):
        async with db.transaction():
            pass


async def test_aclose_interrupts_running_statement(db: Database) -> None:
    # Without the interrupt this query would run for hours and close would wait.
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1e12)"
        " SELECT count(*) FROM n"
    )
    running = asyncio.create_task(db.fetch_value(endless))
    await asyncio.sleep(0.1)

    await db.aclose()

    with pytest.raises(DatabaseClosedError, match="closed while this statement ran"):
        await running


async def test_aclose_rolls_back_open_transaction(db: Database) -> None:
    inside = asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO items VALUES ('a', 1)")
            inside.set()
            await asyncio.sleep(5)

    task = asyncio.create_task(writer())
    await inside.wait()
    await db.aclose()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    with closing(sqlite3.connect(db.path)) as other:
        assert other.execute("SELECT count(*) FROM items").fetchone()[0] == 0


async def test_database_is_async_context_manager(peanut_connect: Connector) -> None:
    database = await peanut_connect(plugins=())
    async with database as entered:
        assert entered is database

    assert database.is_closed


async def test_unclosed_database_warns_when_collected(tmp_path: Path) -> None:
    database = await peanut_async.connect(tmp_path / "leak.db", plugins=())
    worker = database._connection._thread

    with pytest.warns(ResourceWarning, match=r"garbage-collected while open.*aclose\(\)"):
        del database
        gc.collect()

    worker.join(timeout=5)
    assert not worker.is_alive()


class _KeepsDatabase:
    """A plugin API object that refers back to its Database, as real ones do."""

    def __init__(self, db: Database) -> None:
        self.db = db


_CYCLE_PLUGIN = Plugin(name="keeper", tables={}, api_factory=_KeepsDatabase)


async def test_unclosed_database_warns_once(tmp_path: Path) -> None:
    # The plugin API object makes a reference cycle, so garbage collection finalizes
    # the Database and aiosqlite's connection together, in either order.
    database = await peanut_async.connect(
        tmp_path / "leak.db", plugins=(), register=[_CYCLE_PLUGIN]
    )
    worker = database._connection._thread

    with pytest.warns(ResourceWarning) as warned:
        del database
        gc.collect()
        worker.join(timeout=5)
        gc.collect()

    messages = [str(warning.message) for warning in warned]
    assert len(messages) == 1
    assert messages[0].startswith("Database ")
    assert not worker.is_alive()


async def test_unclosed_database_closes_file(tmp_path: Path) -> None:
    # SQLite removes the -wal and -shm files when the last connection closes cleanly.
    path = tmp_path / "leak.db"
    database = await peanut_async.connect(path, plugins=(), register=[_CYCLE_PLUGIN])
    await database.execute("CREATE TABLE scratch (x)")
    worker = database._connection._thread

    with pytest.warns(ResourceWarning):
        del database
        gc.collect()
    worker.join(timeout=5)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["leak.db"]
