"""Tests of connect(): the new file, pragmas, migrations, plugins and opening errors."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Awaitable, Callable
from contextlib import closing
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest
from _migration_files import write_source

import peanut_async
from peanut_async import (
    Database,
    DatabaseError,
    DatabaseNewerError,
    MigrationFailedError,
    Plugin,
    SchemaCheckError,
)
from peanut_async._connect import core_source

Connector = Callable[..., Awaitable[Database]]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftover_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """Return threads started since ``before`` that are still running after a short wait."""
    started = [thread for thread in threading.enumerate() if thread not in before]
    for thread in started:
        thread.join(timeout=5)
    return [thread for thread in started if thread.is_alive()]


def _core_versions() -> list[int]:
    return [migration.version for migration in core_source().load()]


class _ProbeAPI:
    def __init__(self, db: Database) -> None:
        self.db = db


def _probe_plugin(
    folder: Path | Traversable, tables: dict[str, tuple[str, ...]] | None = None
) -> Plugin:
    return Plugin(
        name="probe",
        tables={"probe_notes": ("id", "body")} if tables is None else tables,
        api_factory=_ProbeAPI,
        migrations=folder,
    )


_PROBE_MIGRATION = {
    "001_notes.sql": "CREATE TABLE probe_notes (id INTEGER PRIMARY KEY, body TEXT);"
}


# The file and its pragmas --------------------------------------------------------------


async def test_new_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new.db"

    async with peanut_async.connect(path, plugins=()):
        assert _mode(path) == 0o600


async def test_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new.db"

    async with peanut_async.connect(path, plugins=()) as db:
        await db.execute("CREATE TABLE scratch (x)")
        wal = path.with_name("new.db-wal")
        shm = path.with_name("new.db-shm")
        assert _mode(wal) == 0o600
        assert _mode(shm) == 0o600


async def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    path.chmod(0o640)

    async with peanut_async.connect(path, plugins=()):
        assert _mode(path) == 0o640


async def test_connection_uses_wal_and_foreign_keys(peanut_connect: Connector) -> None:
    db = await peanut_connect(plugins=())

    assert await db.fetch_value("PRAGMA journal_mode") == "wal"
    assert await db.fetch_value("PRAGMA foreign_keys") == 1
    assert await db.fetch_value("PRAGMA busy_timeout") == 30_000


async def test_busy_timeout_is_configurable(peanut_connect: Connector) -> None:
    db = await peanut_connect(plugins=(), busy_timeout=2.5)

    assert await db.fetch_value("PRAGMA busy_timeout") == 2500


async def test_missing_folder_raises_database_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder.db"

    with pytest.raises(DatabaseError, match="folder exists") as caught:
        await peanut_async.connect(path, plugins=())

    assert str(path) in str(caught.value)
    assert isinstance(caught.value.__cause__, FileNotFoundError)


async def test_file_that_is_not_a_database_raises(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some text that is long enough " * 40)
    threads = set(threading.enumerate())

    with pytest.raises(DatabaseError, match="file is not a database") as caught:
        await peanut_async.connect(path, plugins=())

    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)
    assert _leftover_threads(threads) == []


# Migrations ----------------------------------------------------------------------------


async def test_new_database_has_core_migrations(peanut_connect: Connector) -> None:
    db = await peanut_connect(plugins=())

    rows = await db.fetch_all("SELECT source, version FROM peanut_migrations ORDER BY version")
    assert [(row["source"], row["version"]) for row in rows] == [
        ("core", version) for version in _core_versions()
    ]
    assert await db.fetch_value("SELECT version FROM schema_version") == max(_core_versions())


async def test_reopening_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    async with peanut_async.connect(path, plugins=()) as db:
        first = [tuple(r) for r in await db.fetch_all("SELECT * FROM peanut_migrations")]

    async with peanut_async.connect(path, plugins=()) as db:
        second = [tuple(r) for r in await db.fetch_all("SELECT * FROM peanut_migrations")]

    assert second == first


async def test_connect_is_awaitable(tmp_path: Path) -> None:
    db = await peanut_async.connect(tmp_path / "awaited.db", plugins=())
    try:
        assert await db.fetch_value("SELECT count(*) FROM peanut_migrations") == len(
            _core_versions()
        )
    finally:
        await db.aclose()

    assert db.is_closed


async def test_memory_database_is_migrated(peanut_connect: Connector) -> None:
    db = await peanut_connect(":memory:", plugins=())

    assert db.path == ":memory:"
    assert await db.fetch_value("SELECT version FROM schema_version") == max(_core_versions())
    assert await db.fetch_value("PRAGMA foreign_keys") == 1


async def test_database_newer_than_code_raises(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    async with peanut_async.connect(path, plugins=()) as db:
        await db.execute(
            "INSERT INTO peanut_migrations (source, version, name, checksum, duration_ms)"
            " VALUES ('core', 999, 'future', 'x', 0)"
        )

    with pytest.raises(DatabaseNewerError) as caught:
        await peanut_async.connect(path, plugins=())

    assert caught.value.source == "core"
    assert caught.value.versions == (999,)


# Plugins -------------------------------------------------------------------------------


async def test_registered_plugin_migrations_apply_after_core(
    tmp_path: Path, peanut_connect: Connector
) -> None:
    plugin = _probe_plugin(write_source(tmp_path / "probe", _PROBE_MIGRATION).folder)

    db = await peanut_connect(plugins=(), register=[plugin])

    rows = await db.fetch_all("SELECT source, version FROM peanut_migrations")
    assert [(row["source"], row["version"]) for row in rows][-1] == ("probe", 1)
    assert db.plugin("probe", _ProbeAPI).db is db
    assert [loaded.name for loaded in db.plugins] == ["probe"]


async def test_failing_plugin_migration_keeps_core(tmp_path: Path) -> None:
    folder = write_source(tmp_path / "probe", {"001_bad.sql": "CREATE TABLE probe_notes (;"}).folder
    path = tmp_path / "bad.db"
    threads = set(threading.enumerate())

    with pytest.raises(MigrationFailedError) as caught:
        await peanut_async.connect(path, plugins=(), register=[_probe_plugin(folder)])

    assert caught.value.source == "probe"
    assert caught.value.file == "001_bad.sql"
    assert 'near ";"' in caught.value.sqlite_message
    assert _leftover_threads(threads) == []
    with closing(sqlite3.connect(path)) as conn:
        sources = conn.execute("SELECT DISTINCT source FROM peanut_migrations").fetchall()
    assert sources == [("core",)]


async def test_missing_declared_table_fails_schema_check(tmp_path: Path) -> None:
    folder = write_source(tmp_path / "probe", _PROBE_MIGRATION).folder
    plugin = _probe_plugin(
        folder,
        tables={"probe_notes": ("id", "body", "author"), "probe_tags": ("name",)},
    )
    threads = set(threading.enumerate())

    with pytest.raises(SchemaCheckError) as caught:
        await peanut_async.connect(tmp_path / "check.db", plugins=(), register=[plugin])

    assert [(item.plugin, item.table, item.column) for item in caught.value.missing] == [
        ("probe", "probe_notes", "author"),
        ("probe", "probe_tags", None),
    ]
    assert _leftover_threads(threads) == []


async def test_migrate_false_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "untouched.db"

    async with peanut_async.connect(path, plugins=(), migrate=False) as db:
        tables = await db.fetch_all("SELECT name FROM sqlite_schema")

    assert tables == []


async def test_single_plugin_name_as_string(tmp_path: Path, peanut_connect: Connector) -> None:
    plugin = _probe_plugin(write_source(tmp_path / "probe", _PROBE_MIGRATION).folder)

    db = await peanut_connect(plugins="probe", register=[plugin])

    assert db.has_plugin("probe")
