"""The :class:`Database`: one aiosqlite connection, its write lock and its transactions."""

from __future__ import annotations

import logging
import sqlite3
import warnings
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import aiosqlite
import anyio

from ._errors import DatabaseClosedError, PeanutError, PluginNotLoadedError
from ._migrations._history import begin_immediate
from ._sqlite import translate

if TYPE_CHECKING:
    from ._registry import LoadedPlugin

log = logging.getLogger(__name__)

T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]


class Database:
    """An open peanut database. Get one from :func:`peanut_async.connect`.

    All statements run on one connection in aiosqlite's worker thread. A write lock
    makes transactions of concurrent tasks sharing this object run one after another;
    a statement issued outside a transaction takes the lock for its own duration, so it
    never lands inside another task's transaction.
    """

    def __init__(self, connection: aiosqlite.Connection, path: str, plugins: Sequence[LoadedPlugin]) -> None:
        self._connection = connection
        self._path = path
        self._plugins = tuple(plugins)
        self._apis: dict[str, Any] = {}
        self._lock = anyio.Lock()
        self._owner: object | None = None
        self._depth = 0
        self._closed = False

    @property
    def path(self) -> str:
        """The database file's path, or ``":memory:"``."""
        return self._path

    @property
    def plugins(self) -> tuple[LoadedPlugin, ...]:
        """The loaded plugins, in dependency order."""
        return self._plugins

    @property
    def is_closed(self) -> bool:
        """Tell whether :meth:`aclose` has run."""
        return self._closed

    # Statements ------------------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return its row count."""
        return await self.run_sync(_execute, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement for each parameter row and return the total row count."""
        return await self.run_sync(_executemany, sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a query and return every row."""
        return await self.run_sync(_fetch_all, sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, or None."""
        return await self.run_sync(_fetch_one, sql, params)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Run a query and return the first column of its first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def run_sync(self, function: Callable[..., T], *args: Any) -> T:
        """Call ``function(connection, *args)`` in the connection's worker thread.

        ``connection`` is the underlying :class:`sqlite3.Connection`. Use this for bulk
        work: many statements cost one await. Inside :meth:`transaction` it runs in
        that transaction; outside, it holds the write lock while it runs. sqlite3
        errors are raised as :class:`~peanut_async.DatabaseError`.
        """
        if self._owns_lock():
            return await self._call(function, *args)
        async with self._lock:
            return await self._call(function, *args)

    # Transactions ------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block in one write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``).

        The block's changes are rolled back when it raises or is cancelled; the
        rollback is shielded from cancellation. Nested use opens a savepoint, so an
        inner failure undoes only the inner block. Only one task at a time holds a
        transaction on this object: others wait for the write lock.
        """
        if self._owns_lock():
            async with self._savepoint():
                yield
            return
        async with self._lock:
            self._owner = _current_task()
            try:
                # Shielded so a cancellation cannot leave a BEGIN running in the worker
                # thread with no task to end it; it is delivered inside the block.
                with anyio.CancelScope(shield=True):
                    await self._call(begin_immediate)
                try:
                    yield
                except BaseException:
                    await self._finish("ROLLBACK")
                    raise
                await self._finish("COMMIT")
            finally:
                self._owner = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._depth += 1
        name = f"peanut_sp{self._depth}"
        try:
            await self._call(_execute, f"SAVEPOINT {name}", ())
            try:
                yield
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await self._call(_execute, f"ROLLBACK TO {name}", ())
                    await self._call(_execute, f"RELEASE {name}", ())
                raise
            with anyio.CancelScope(shield=True):
                await self._call(_execute, f"RELEASE {name}", ())
        finally:
            self._depth -= 1

    async def _finish(self, statement: str) -> None:
        # A cancelled COMMIT or ROLLBACK would leave the connection inside a
        # transaction that no task owns, so both run to completion.
        with anyio.CancelScope(shield=True):
            try:
                await self._call(_execute, statement, ())
            except PeanutError:
                if statement == "COMMIT":
                    await self._call(_rollback_if_open)
                raise

    def _owns_lock(self) -> bool:
        return self._owner is not None and self._owner == _current_task()

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise DatabaseClosedError(f"database {self._path} is closed; open it again with connect()")
        try:
            return await self._connection._execute(function, self._connection._conn, *args)  # noqa: SLF001
        except sqlite3.Error as error:
            raise translate(error, _describe(function, args)) from error
        except ValueError as error:
            if self._connection._connection is None:  # noqa: SLF001
                raise DatabaseClosedError(f"database {self._path} is closed") from error
            raise

    # Plugins ------------------------------------------------------------------------

    @overload
    def plugin(self, name: str) -> Any: ...

    @overload
    def plugin(self, name: str, api_type: type[T]) -> T: ...

    def plugin(self, name: str, api_type: type[T] | None = None) -> Any:
        """Return the API object of loaded plugin ``name``.

        With ``api_type``, also check the object's type so a type checker sees it.
        Raises :class:`PluginNotLoadedError` listing the loaded plugins.
        """
        try:
            api = self._apis[name]
        except KeyError:
            raise PluginNotLoadedError(name, [p.name for p in self._plugins]) from None
        if api_type is not None and not isinstance(api, api_type):
            raise TypeError(f"plugin {name!r} API is {type(api).__name__}, not {api_type.__name__}")
        return api

    def has_plugin(self, name: str) -> bool:
        """Tell whether plugin ``name`` is loaded."""
        return name in self._apis

    def _build_apis(self) -> None:
        for loaded in self._plugins:
            self._apis[loaded.name] = loaded.plugin.api_factory(self)

    # Closing ------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connection and stop its worker thread. Safe to call twice.

        Statements already queued finish first; closing is shielded from cancellation.
        """
        if self._closed:
            return
        self._closed = True
        with anyio.CancelScope(shield=True):
            try:
                await self._connection.close()
            except sqlite3.Error as error:
                log.warning("closing database failed: %s", error)

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __del__(self) -> None:
        if getattr(self, "_closed", True):
            return
        warnings.warn(
            f"Database {self._path!r} was garbage-collected while open; close it with "
            "'async with peanut_async.connect(...)' or 'await db.aclose()'",
            ResourceWarning,
            source=self,
            stacklevel=2,
        )
        self._closed = True
        try:
            self._connection.stop()
        except Exception:  # noqa: BLE001  # the event loop may already be gone
            log.debug("could not stop the worker thread of an unclosed database")


def _current_task() -> object:
    return anyio.get_current_task().id


def _execute(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    return conn.execute(sql, params).rowcount


def _executemany(conn: sqlite3.Connection, sql: str, rows: Iterable[Params]) -> int:
    return conn.executemany(sql, rows).rowcount


def _fetch_all(conn: sqlite3.Connection, sql: str, params: Params) -> list[sqlite3.Row]:
    return conn.execute(sql, params).fetchall()


def _fetch_one(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(sql, params).fetchone()
    return row


def _rollback_if_open(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _describe(function: Callable[..., Any], args: tuple[Any, ...]) -> str:
    if args and isinstance(args[0], str):
        first = args[0].strip().splitlines()[0] if args[0].strip() else ""
        return f"statement {first[:80]!r}"
    return getattr(function, "__name__", "database operation").lstrip("_").replace("_", " ")
