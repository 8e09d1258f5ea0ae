"""Many writers on one database file: no "database is locked", no lost update.

Eight processes open the same new file at once (so they race to migrate it) and then
increment one counter in transactions; 200 coroutines do the same on one Database.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from _processes import finish_child, start_child, wait_for_file
from _sqlite_checks import integrity_problems, query
from _tally import tally_plugin, write_migration

import peanut_async
from peanut_async import Database

PROCESSES = 8
TRANSACTIONS_PER_PROCESS = 100
COROUTINES = 200


def test_processes_share_one_new_database(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    folder = write_migration(tmp_path / "tally")
    start = tmp_path / "start"
    children = [
        start_child(
            "counter",
            {
                "db": str(db),
                "folder": str(folder),
                "ready": str(tmp_path / f"ready{worker}"),
                "start": str(start),
                "worker": worker,
                "transactions": TRANSACTIONS_PER_PROCESS,
            },
        )
        for worker in range(PROCESSES)
    ]
    for worker, child in enumerate(children):
        wait_for_file(tmp_path / f"ready{worker}", child, timeout=60)
    start.write_text("go")

    results = [finish_child(child, timeout=90) for child in children]

    assert sorted(result["worker"] for result in results) == list(range(PROCESSES))
    # The writers' working periods overlap: all of them were writing at one moment.
    assert max(result["started"] for result in results) < min(
        result["finished"] for result in results
    )
    assert query(db, "SELECT value FROM counter") == [(PROCESSES * TRANSACTIONS_PER_PROCESS,)]
    assert query(db, "SELECT count(*) FROM counter_log") == [
        (PROCESSES * TRANSACTIONS_PER_PROCESS,)
    ]
    # Each migration applied once, by exactly one of the racing processes.
    assert query(db, "SELECT source, version, count(*) FROM peanut_migrations GROUP BY 1, 2") == [
        ("core", 1, 1),
        ("core", 2, 1),
        ("core", 3, 1),
        ("tally", 1, 1),
    ]
    assert integrity_problems(db) == []


async def test_coroutines_share_one_database(tmp_path: Path) -> None:
    folder = write_migration(tmp_path / "tally")

    async def increment(db: Database, worker: int) -> None:
        async with db.transaction():
            value = await db.fetch_value("SELECT value FROM counter WHERE id = 1")
            await asyncio.sleep(0)
            await db.execute("UPDATE counter SET value = ? WHERE id = 1", (value + 1,))
            await db.execute("INSERT INTO counter_log (worker, step) VALUES (?, 0)", (worker,))

    async def read(db: Database) -> int:
        value: int = await db.fetch_value("SELECT value FROM counter WHERE id = 1")
        return value

    async with peanut_async.connect(
        tmp_path / "shared.db", plugins=(), register=[tally_plugin(folder)]
    ) as db:
        writers = [increment(db, worker) for worker in range(COROUTINES)]
        readers = [read(db) for _ in range(COROUTINES)]
        results = await asyncio.gather(*writers, *readers)

        assert await db.fetch_value("SELECT value FROM counter") == COROUTINES
        assert await db.fetch_value("SELECT count(*) FROM counter_log") == COROUTINES
    assert all(0 <= value <= COROUTINES for value in results[COROUTINES:])
