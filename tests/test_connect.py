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
    MigrationFileError,
    Plugin,
    SchemaCheckError,
    ValidationError,
)
from peanut_async._connect import _remove_if_unused, core_source

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


async def test_non_database_error_names_path(tmp_path: Path) -> None:
    path = tmp_path / "notes.bin"
    path.write_bytes(bytes(range(256)) * 20)

    with pytest.raises(DatabaseError) as caught:
        await peanut_async.connect(path, plugins=())

    message = str(caught.value)
    assert message.startswith(f"{path} is not a peanut-async database (file is not a database).")
    assert "statement" not in message
    assert caught.value.path == str(path)
    assert path.read_bytes() == bytes(range(256)) * 20


async def test_directory_path_raises(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as caught:
        await peanut_async.connect(tmp_path, plugins=())

    assert str(caught.value) == (
        f"{tmp_path} is a directory, not a database file; pass the path of a file, "
        f"such as {tmp_path / 'peanut.db'}"
    )
    assert caught.value.path == str(tmp_path)
    assert list(tmp_path.iterdir()) == []


# Arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        pytest.param("path", "", "a non-empty file path or ':memory:'", id="empty-path"),
        pytest.param("path", 42, "a str or os.PathLike file path, or ':memory:'", id="int-path"),
        pytest.param("on_plugin_error", "ignore", "'raise' or 'warn'", id="unknown-choice"),
        pytest.param(
            "busy_timeout", -1, "a number of seconds from 0 to 2.14748e+06", id="negative"
        ),
        pytest.param(
            "busy_timeout", "30", "a number of seconds from 0 to 2.14748e+06", id="text"
        ),
        pytest.param(
            "busy_timeout", float("nan"), "a number of seconds from 0 to 2.14748e+06", id="nan"
        ),
        pytest.param(
            "busy_timeout", True, "a number of seconds from 0 to 2.14748e+06", id="bool"
        ),
        pytest.param(
            "busy_timeout", 3e6, "a number of seconds from 0 to 2.14748e+06", id="too-long"
        ),
        pytest.param("migrate", "no", "True or False", id="migrate-text"),
    ],
)
def test_invalid_argument_raises_validation_error(
    tmp_path: Path, field: str, value: object, expected: str
) -> None:
    arguments: dict[str, object] = {"path": tmp_path / "x.db", "plugins": ()}
    arguments[field] = value

    with pytest.raises(ValidationError) as caught:
        peanut_async.connect(**arguments)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value is value
    assert caught.value.expected == expected
    assert list(tmp_path.iterdir()) == []


async def test_zero_busy_timeout_is_valid(peanut_connect: Connector) -> None:
    db = await peanut_connect(plugins=(), busy_timeout=0)

    assert await db.fetch_value("PRAGMA busy_timeout") == 0


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


async def test_migrate_false_reports_pending_migrations(tmp_path: Path) -> None:
    plugin = _probe_plugin(write_source(tmp_path / "probe", _PROBE_MIGRATION).folder)

    with pytest.raises(SchemaCheckError) as caught:
        await peanut_async.connect(
            tmp_path / "fresh.db", plugins=(), register=[plugin], migrate=False
        )

    core_files = [f"core/{migration.file}" for migration in core_source().load()]
    assert caught.value.pending == (*core_files, "probe/001_notes.sql")
    assert [(item.table, item.column) for item in caught.value.missing] == [("probe_notes", None)]
    message = str(caught.value)
    assert f"{len(core_files) + 1} migrations are pending" in message
    assert "run `peanut-async migrate` or connect with migrate=True" in message
    assert "add a migration" not in message


async def test_schema_check_without_pending_lists_items(tmp_path: Path) -> None:
    folder = write_source(tmp_path / "probe", _PROBE_MIGRATION).folder
    plugin = _probe_plugin(folder, tables={"probe_notes": ("id", "author")})

    with pytest.raises(SchemaCheckError) as caught:
        await peanut_async.connect(tmp_path / "x.db", plugins=(), register=[plugin])

    assert caught.value.pending == ()
    assert str(caught.value) == (
        "schema check failed for 1 plugin(s):\n"
        "  - plugin 'probe' needs column probe_notes.author, which is missing: "
        "add a migration that creates it"
    )


async def test_migrate_false_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "untouched.db"

    async with peanut_async.connect(path, plugins=(), migrate=False) as db:
        tables = await db.fetch_all("SELECT name FROM sqlite_schema")

    assert tables == []


async def test_single_plugin_name_as_string(tmp_path: Path, peanut_connect: Connector) -> None:
    plugin = _probe_plugin(write_source(tmp_path / "probe", _PROBE_MIGRATION).folder)

    db = await peanut_connect(plugins="probe", register=[plugin])

    assert db.has_plugin("probe")


# A failed open of a new file -----------------------------------------------------------


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


async def test_failed_schema_check_removes_new_file(tmp_path: Path) -> None:
    plugin = _probe_plugin(write_source(tmp_path / "probe", _PROBE_MIGRATION).folder)
    folder = tmp_path / "data"
    folder.mkdir()

    with pytest.raises(SchemaCheckError):
        await peanut_async.connect(
            folder / "new.db", plugins=(), register=[plugin], migrate=False
        )

    assert _files(folder) == []


async def test_failure_before_first_migration_removes_new_file(tmp_path: Path) -> None:
    # The source fails to load before any migration runs.
    bad = write_source(tmp_path / "probe", {"notes.sql": "CREATE TABLE probe_notes (id);"})
    folder = tmp_path / "data"
    folder.mkdir()

    with pytest.raises(MigrationFileError):
        await peanut_async.connect(
            folder / "new.db", plugins=(), register=[_probe_plugin(bad.folder)]
        )

    assert _files(folder) == []


async def test_failure_after_committed_migration_keeps_new_file(tmp_path: Path) -> None:
    folder = write_source(tmp_path / "probe", {"001_bad.sql": "CREATE TABLE probe_notes (;"}).folder
    data = tmp_path / "data"
    data.mkdir()

    with pytest.raises(MigrationFailedError):
        await peanut_async.connect(data / "new.db", plugins=(), register=[_probe_plugin(folder)])

    assert _files(data) == ["new.db"]


async def test_failed_open_keeps_existing_file(tmp_path: Path) -> None:
    plugin = _probe_plugin(write_source(tmp_path / "probe", _PROBE_MIGRATION).folder)
    path = tmp_path / "existing.db"
    path.touch()

    with pytest.raises(SchemaCheckError):
        await peanut_async.connect(path, plugins=(), register=[plugin], migrate=False)

    assert path.exists()


def test_removal_skips_file_another_connection_uses(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("SELECT count(*) FROM sqlite_schema").fetchall()

        _remove_if_unused(str(path), nothing_recorded=True)

        assert path.exists()


def test_removal_skips_file_with_recorded_migrations(tmp_path: Path) -> None:
    path = tmp_path / "migrated.db"
    path.touch()

    _remove_if_unused(str(path), nothing_recorded=False)

    assert path.exists()
