"""Opening a database: file, pragmas, plugins, migrations, schema check."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Generator, Iterable, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

from ._database import Database
from ._errors import DatabaseError, SchemaCheckError
from ._migrations import MigrationSource, apply_migrations
from ._migrations._history import is_busy
from ._plugin import RESERVED_SOURCE, Plugin
from ._registry import LoadedPlugin, OnError, check_schema, resolve_plugins
from ._sqlite import MEMORY, configure, create_private_file, translate

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]
DEFAULT_BUSY_TIMEOUT = 30.0


def core_source() -> MigrationSource:
    """The core schema's migrations, from the installed package or the source tree."""
    packaged = files("peanut_async") / "_schema"
    folder: Path | Traversable = packaged
    if not packaged.is_dir():
        folder = Path(__file__).resolve().parent.parent / "schema"
    return MigrationSource(RESERVED_SOURCE, folder)


def migration_sources(plugins: Sequence[LoadedPlugin]) -> list[MigrationSource]:
    """The core source followed by each plugin's own, in dependency order."""
    sources = [core_source()]
    for loaded in plugins:
        source = loaded.migration_source()
        if source is not None:
            sources.append(source)
    return sources


class connect:  # noqa: N801  # used like a function, as sqlite3.connect and aiosqlite.connect are
    """Open the database at ``path``, migrate it and check every loaded plugin's schema.

    Use ``async with peanut_async.connect(path) as db:`` (closes on exit) or
    ``db = await peanut_async.connect(path)`` and later ``await db.aclose()``.

    - ``path``: the database file, created with mode 0600 if new, or ``":memory:"``.
    - ``plugins``: names of installed plugins to load (or one name); None loads every
      installed one (unless ``PEANUT_DISABLE_PLUGIN_AUTOLOAD`` is set), ``()`` loads none.
    - ``register``: :class:`Plugin` objects to load without installing them.
    - ``on_plugin_error``: ``"raise"`` (default) or ``"warn"`` to log and skip a plugin
      whose entry point fails to load.
    - ``migrate``: apply pending migrations (default); when False, pending migrations
      make the schema check fail instead.
    - ``busy_timeout``: seconds to wait for another connection's write lock.

    Raises :class:`MigrationError`, :class:`PluginError` (among them
    :class:`SchemaCheckError`, listing every missing table and column) or
    :class:`DatabaseError`; the database is closed again before the error propagates.
    """

    def __init__(
        self,
        path: PathLike,
        *,
        plugins: Iterable[str] | None = None,
        register: Iterable[Plugin] = (),
        on_plugin_error: OnError = "raise",
        migrate: bool = True,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> None:
        self._path = os.fspath(path)
        self._plugins = None if plugins is None else _plugin_names(plugins)
        self._register = tuple(register)
        self._on_plugin_error = on_plugin_error
        self._migrate = migrate
        self._busy_timeout = busy_timeout
        self._database: Database | None = None

    def __await__(self) -> Generator[Any, None, Database]:
        return self._open().__await__()

    async def __aenter__(self) -> Database:
        self._database = await self._open()
        return self._database

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._database is not None:
            await self._database.aclose()

    async def _open(self) -> Database:
        started = time.perf_counter()
        plugins = resolve_plugins(self._plugins, self._register, on_error=self._on_plugin_error)
        connection = await _connect_sqlite(self._path, self._busy_timeout)
        database = Database(connection, self._path, plugins)
        try:
            await database.run_sync(
                _prepare, self._path, self._busy_timeout, plugins, self._migrate
            )
            database._build_apis()
        except BaseException:
            await database.aclose()
            raise
        log.debug("opened %s in %.1f ms", self._path, (time.perf_counter() - started) * 1000)
        return database


def _plugin_names(plugins: Iterable[str]) -> tuple[str, ...]:
    # A single name is a str, which is itself an iterable of one-letter names.
    if isinstance(plugins, str):
        return (plugins,)
    return tuple(plugins)


async def _connect_sqlite(path: str, busy_timeout: float) -> aiosqlite.Connection:
    if path != MEMORY and not path.startswith("file:"):
        _create_file(path)
    connection = aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout)
    # aiosqlite's worker thread is not a daemon: an application that exits without
    # closing its database would hang at interpreter shutdown waiting for it.
    connection._thread.daemon = True
    try:
        await connection
    except sqlite3.Error as error:
        raise translate(error, f"opening {path}") from error
    connection._conn.row_factory = sqlite3.Row
    return connection


def _create_file(path: str) -> None:
    try:
        create_private_file(Path(path))
    except OSError as error:
        raise DatabaseError(
            f"cannot create the database file {path}: {error.strerror or error}. "
            "Check that its folder exists and is writable."
        ) from error


def _prepare(
    conn: sqlite3.Connection,
    path: str,
    busy_timeout: float,
    plugins: Sequence[LoadedPlugin],
    migrate: bool,
) -> None:
    _configure_with_retry(conn, busy_timeout, in_memory=path == MEMORY)
    if migrate:
        apply_migrations(conn, migration_sources(plugins))
    missing = check_schema(conn, plugins)
    if missing:
        raise SchemaCheckError(missing)


def _configure_with_retry(
    conn: sqlite3.Connection, busy_timeout: float, *, in_memory: bool
) -> None:
    # Switching a brand-new file to WAL while another process does the same can
    # return SQLITE_BUSY without waiting on the busy handler.
    deadline = time.monotonic() + busy_timeout
    delay = 0.002
    while True:
        try:
            configure(conn, busy_timeout=busy_timeout, in_memory=in_memory)
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
