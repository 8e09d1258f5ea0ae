"""A full disk, simulated with ``PRAGMA max_page_count``, and a file size limit.

Each test commits some rows, shrinks the room left and makes a write overflow it. Then
it checks that the caller gets the library's own error, that the committed rows are
all still readable and that nothing of the failed write is stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _calendar_data import expected_meetings, make_events, read_meetings
from _processes import run_child
from _sqlite_checks import integrity_problems, query

from peanut_async import Database, PeanutError, StorageFullError

BLOB = 4_000
UNLIMITED_PAGES = 1_073_741_823


async def _commit_rows(db: Database, batch: int, count: int) -> None:
    async with db.transaction():
        await db.executemany(
            "INSERT INTO items (batch, n, payload) VALUES (?, ?, randomblob(100))",
            [(batch, n) for n in range(count)],
        )


async def _leave_pages(db: Database, spare: int) -> None:
    pages = await db.fetch_value("PRAGMA page_count")
    await db.fetch_value(f"PRAGMA max_page_count = {pages + spare}")


async def _batches(db: Database) -> dict[int, int]:
    rows = await db.fetch_all("SELECT batch, count(*) FROM items GROUP BY batch")
    return {row[0]: row[1] for row in rows}


async def _overflow(db: Database, batch: int) -> None:
    for n in range(50):
        await db.execute(
            "INSERT INTO items (batch, n, payload) VALUES (?, ?, randomblob(?))", (batch, n, BLOB)
        )


async def _assert_usable_again(db: Database) -> None:
    await db.fetch_value(f"PRAGMA max_page_count = {UNLIMITED_PAGES}")
    await _commit_rows(db, 99, 3)
    assert (await _batches(db))[99] == 3


async def test_full_transaction_raises_storage_full(core_db: Database) -> None:
    await _commit_rows(core_db, 1, 20)
    await _leave_pages(core_db, 4)

    with pytest.raises(StorageFullError):
        async with core_db.transaction():
            await _overflow(core_db, 2)

    assert await _batches(core_db) == {1: 20}
    await _assert_usable_again(core_db)


async def test_full_statement_outside_transaction_raises(core_db: Database) -> None:
    await _commit_rows(core_db, 1, 20)
    await _leave_pages(core_db, 2)

    with pytest.raises(StorageFullError):
        await core_db.executemany(
            "INSERT INTO items (batch, n, payload) VALUES (2, ?, randomblob(?))",
            [(n, BLOB) for n in range(50)],
        )

    assert await _batches(core_db) == {1: 20}
    await _assert_usable_again(core_db)


async def test_full_bulk_run_sync_raises_storage_full(core_db: Database) -> None:
    def bulk(conn, count):  # type: ignore[no-untyped-def]
        for n in range(count):
            conn.execute("INSERT INTO items VALUES (2, ?, randomblob(?))", (n, BLOB))

    await _commit_rows(core_db, 1, 20)
    await _leave_pages(core_db, 4)

    with pytest.raises(StorageFullError):
        async with core_db.transaction():
            await core_db.run_sync(bulk, 50)

    assert await _batches(core_db) == {1: 20}
    await _assert_usable_again(core_db)


async def test_full_savepoint_raises_storage_full(core_db: Database) -> None:
    await _commit_rows(core_db, 1, 20)
    await _leave_pages(core_db, 4)

    with pytest.raises(StorageFullError):
        async with core_db.transaction():
            await _commit_rows(core_db, 2, 1)
            await _overflow(core_db, 3)

    assert await _batches(core_db) == {1: 20}
    await _assert_usable_again(core_db)


async def test_full_savepoint_caught_leaves_no_partial_block(core_db: Database) -> None:
    # SQLite ends the whole transaction on SQLITE_FULL, not only the savepoint, so a
    # block that catches the inner error and goes on must not commit what follows.
    await _commit_rows(core_db, 1, 20)
    await _leave_pages(core_db, 4)

    with pytest.raises(PeanutError):
        async with core_db.transaction():
            await core_db.execute("INSERT INTO items (batch, n) VALUES (2, 0)")
            try:
                async with core_db.transaction():
                    await _overflow(core_db, 3)
            except StorageFullError:
                pass
            await core_db.execute("INSERT INTO items (batch, n) VALUES (2, 1)")

    assert await _batches(core_db) == {1: 20}
    await _assert_usable_again(core_db)


def test_file_size_limit_keeps_committed_rows(tmp_path: Path) -> None:
    # A real failed write(2): the child process may grow no file past the limit.
    db = tmp_path / "limited.db"
    result = run_child("size-limit", {"db": str(db), "room": 200_000, "blob": BLOB})

    assert result["error_is_database_error"] is True
    assert result["committed"] > 0
    assert integrity_problems(db) == []
    assert query(db, "SELECT batch, count(*) FROM items GROUP BY batch") == [
        (batch, 10) for batch in range(result["committed"])
    ]


async def test_full_disk_during_ingest_keeps_batches_whole(calendar_db: Database) -> None:
    calendar = calendar_db.plugin("calendar")
    committed = make_events(range(100), seed=3)
    await calendar.ingest_events(committed)
    await _leave_pages(calendar_db, 20)
    overflowing = make_events(range(100, 2_100), seed=3)

    with pytest.raises(StorageFullError):
        await calendar.ingest_events(overflowing)

    assert read_meetings(Path(calendar_db.path)) == expected_meetings(committed)
    await calendar_db.fetch_value(f"PRAGMA max_page_count = {UNLIMITED_PAGES}")
    await calendar.ingest_events(overflowing)
    assert read_meetings(Path(calendar_db.path)) == expected_meetings(committed + overflowing)
