"""Opening a database: file, pragmas, plugins, migrations, schema check."""

from __future__ import annotations

import logging
import math
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
import attrs

from ._database import Database, new_connection
from ._errors import DatabaseError, SchemaCheckError, ValidationError
from ._migrations import MigrationSource, apply_migrations, plan_migrations
from ._migrations._history import HISTORY_TABLE, has_history, is_busy
from ._plugin import RESERVED_SOURCE, Plugin
from ._registry import LoadedPlugin, OnError, check_schema, resolve_plugins
from ._sqlite import MEMORY, configure, create_private_file, reject_directory, translate

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]
DEFAULT_BUSY_TIMEOUT = 30.0
# SQLite stores busy_timeout as a C int of milliseconds.
MAX_BUSY_TIMEOUT = (2**31 - 1) / 1000
ON_PLUGIN_ERROR_CHOICES = ("raise", "warn")


def core_source() -> MigrationSource:
    """Return the core schema's migrations, from the installed package or the source tree."""
    packaged = files("peanut_async") / "_schema"
    folder: Path | Traversable = packaged
    if not packaged.is_dir():
        folder = Path(__file__).resolve().parent.parent / "schema"
    return MigrationSource(RESERVED_SOURCE, folder)


def migration_sources(plugins: Sequence[LoadedPlugin]) -> list[MigrationSource]:
    """Return the core source followed by each plugin's own, in dependency order."""
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
      Its folder must exist.
    - ``plugins``: names of installed plugins to load (or one name); None loads every
      installed one (unless ``PEANUT_DISABLE_PLUGIN_AUTOLOAD`` is set), ``()`` loads none.
    - ``register``: :class:`Plugin` objects to load without installing them.
    - ``on_plugin_error``: ``"raise"`` (default) or ``"warn"`` to log and skip a plugin
      whose entry point fails to load.
    - ``migrate``: apply pending migrations (default). When False nothing is applied,
      and a failing schema check's error gives the number of pending migrations.
    - ``busy_timeout``: seconds to wait for another connection's write lock, from 0 to
      about 24.8 days (SQLite's limit).

    Raises :class:`ValidationError` at once for an invalid argument. Opening raises
    :class:`MigrationError`, :class:`PluginError` (among them :class:`SchemaCheckError`)
    or :class:`DatabaseError`; the database is closed again before the error
    propagates. When this call created the file and the error came before any
    migration was recorded in it, the file is removed again (see
    :func:`_remove_if_unused` for when it is kept).
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
        self._path = _check_path(path)
        _check_choice("on_plugin_error", on_plugin_error, ON_PLUGIN_ERROR_CHOICES)
        _check_busy_timeout(busy_timeout)
        if not isinstance(migrate, bool):
            raise ValidationError("migrate", migrate, "True or False")
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
        created = _create_file(self._path)
        try:
            connection = await _connect_sqlite(self._path, self._busy_timeout)
        except BaseException:
            if created:
                _remove_if_unused(self._path, nothing_recorded=True)
            raise
        database = Database(connection, self._path, plugins, busy_timeout=self._busy_timeout)
        outcome = _Outcome() if created else None
        try:
            settings = _Settings(self._path, self._busy_timeout, plugins, self._migrate)
            await database._run(f"opening {self._path}", _prepare, settings, outcome)
            database._build_apis()
        except BaseException:
            await database.aclose()
            if outcome is not None:
                _remove_if_unused(self._path, nothing_recorded=outcome.nothing_recorded)
            raise
        log.debug("opened %s in %.1f ms", self._path, (time.perf_counter() - started) * 1000)
        return database


@attrs.frozen
class _Settings:
    """Arguments of the part of opening that runs in the worker thread."""

    path: str
    busy_timeout: float
    plugins: Sequence[LoadedPlugin]
    migrate: bool


@attrs.define
class _Outcome:
    """State of a file that connect() created, recorded when opening it failed."""

    nothing_recorded: bool = False


def _check_path(path: PathLike) -> str:
    if not isinstance(path, str | os.PathLike):
        raise ValidationError("path", path, "a str or os.PathLike file path, or ':memory:'")
    text = os.fspath(path)
    if not isinstance(text, str) or not text:
        raise ValidationError("path", path, "a non-empty file path or ':memory:'")
    return text


def _check_choice(field: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        listed = " or ".join(repr(choice) for choice in choices)
        raise ValidationError(field, value, listed)


def _check_busy_timeout(value: object) -> None:
    # bool is an int subclass, but True as a number of seconds is a mistake.
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or not 0 <= value <= MAX_BUSY_TIMEOUT:  # type: ignore[arg-type, operator]
        raise ValidationError(
            "busy_timeout", value, f"a number of seconds from 0 to {MAX_BUSY_TIMEOUT:g}"
        )


def _plugin_names(plugins: Iterable[str]) -> tuple[str, ...]:
    # A single name is a str, which is itself an iterable of one-letter names.
    if isinstance(plugins, str):
        return (plugins,)
    return tuple(plugins)


async def _connect_sqlite(path: str, busy_timeout: float) -> aiosqlite.Connection:
    connection = new_connection(path, busy_timeout)
    # aiosqlite's worker thread is not a daemon: an application that exits without
    # closing its database would hang at interpreter shutdown waiting for it.
    connection._thread.daemon = True
    try:
        await connection
    except sqlite3.Error as error:
        raise translate(error, f"opening {path}", path=path) from error
    connection._conn.row_factory = sqlite3.Row
    return connection


def _create_file(path: str) -> bool:
    """Create the database file unless it exists; tell whether this call created it."""
    if _is_special(path):
        return False
    reject_directory(path)
    try:
        return create_private_file(Path(path))
    except OSError as error:
        raise DatabaseError(
            f"cannot create the database file {path}: {error.strerror or error}. "
            "Check that its folder exists and is writable.",
            operation="creating the database file",
            path=path,
        ) from error


def _is_special(path: str) -> bool:
    return path == MEMORY or path.startswith("file:")


def _remove_if_unused(path: str, *, nothing_recorded: bool) -> None:
    """Remove a database file that connect() created and failed to open.

    The file is removed only when no migration is recorded in it (``nothing_recorded``,
    checked on the failing connection before it closed) and no ``-wal`` file remains
    after closing. SQLite deletes the ``-wal`` file when the last connection to a file
    closes, so a remaining one means another connection, perhaps another process
    migrating the same new file, still uses it.
    """
    # NOTE: a connection that opened the file but has run no statement yet has no
    # -wal file open, so it goes unnoticed here and later writes to the removed file.
    # For another connect() that window lasts from opening the file to its pragmas.
    if not nothing_recorded or Path(f"{path}-wal").exists():
        log.debug("keeping %s after the failed open", path)
        return
    for leftover in (path, f"{path}-wal", f"{path}-shm"):
        try:
            os.unlink(leftover)
        except FileNotFoundError:
            continue
        except OSError as error:
            log.warning("could not remove %s after the failed open: %s", leftover, error)
    log.debug("removed %s after the failed open", path)


def _prepare(conn: sqlite3.Connection, settings: _Settings, outcome: _Outcome | None) -> None:
    plugins = settings.plugins
    try:
        _configure_with_retry(conn, settings.busy_timeout, in_memory=settings.path == MEMORY)
        if settings.migrate:
            apply_migrations(conn, migration_sources(plugins))
        missing = check_schema(conn, plugins)
        if missing:
            # Only computed on failure: it reads every migration file.
            pending = [] if settings.migrate else plan_migrations(conn, migration_sources(plugins))
            raise SchemaCheckError(missing, pending=[f"{m.source}/{m.file}" for m in pending])
    except BaseException:
        if outcome is not None:
            outcome.nothing_recorded = _nothing_recorded(conn)
        raise


def _nothing_recorded(conn: sqlite3.Connection) -> bool:
    """Tell whether the database records no applied migration; False when unsure."""
    try:
        if not has_history(conn):
            return True
        count: int = conn.execute(f"SELECT count(*) FROM {HISTORY_TABLE}").fetchone()[0]
    except sqlite3.Error:
        return False
    return count == 0


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
