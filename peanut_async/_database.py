"""The :class:`Database`: one aiosqlite connection, its write lock and its transactions."""

from __future__ import annotations

import logging
import sqlite3
import warnings
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar, overload

import aiosqlite
import anyio

from ._errors import DatabaseClosedError, DatabaseError, PluginNotLoadedError
from ._migrations._history import begin_immediate
from ._sqlite import translate

if TYPE_CHECKING:
    from ._registry import LoadedPlugin

log = logging.getLogger(__name__)

T = TypeVar("T")
_EXECUTEMANY_SAVEPOINT = "peanut_executemany"
Params = Sequence[Any] | dict[str, Any]


class Database:
    """An open peanut database. Get one from :func:`peanut_async.connect`.

    All statements run on one connection in aiosqlite's worker thread. A write lock
    makes transactions of concurrent tasks sharing this object run one after another;
    a statement issued outside a transaction takes the lock for its own duration, so it
    never lands inside another task's transaction.
    """

    def __init__(
        self, connection: aiosqlite.Connection, path: str, plugins: Sequence[LoadedPlugin]
    ) -> None:
        self._connection = connection
        self._path = path
        self._plugins = tuple(plugins)
        self._apis: dict[str, Any] = {}
        self._lock = anyio.Lock()
        self._owner: object | None = None
        self._depth = 0
        # SQLite's message when it rolled back the current transaction by itself.
        self._ended_by: str | None = None
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
        """Run one statement for each parameter row and return the total row count.

        The rows are written all or nothing: outside :meth:`transaction` they get a
        transaction of their own, and inside one a savepoint, so a failing row leaves
        none of the others behind.
        """
        if self._owns_lock():
            return await self.run_sync(_executemany_in_savepoint, sql, rows)
        async with self.transaction():
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
            self._raise_if_ended()
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
        transaction on this object: others wait for the write lock. That includes
        tasks started inside the block, so awaiting such a task's statements from
        inside the block deadlocks. When SQLite itself rolls the transaction back
        (after a full disk, for example), every later statement of the block raises
        :class:`DatabaseError`, so none of them can commit on its own.
        """
        if self._owns_lock():
            async with self._savepoint():
                yield
            return
        async with self._lock:
            self._owner = _current_task()
            self._ended_by = None
            try:
                await self._begin(begin_immediate, _rollback_if_open)
                try:
                    yield
                except BaseException:
                    await self._undo(_rollback_if_open)
                    raise
                self._raise_if_ended()
                await self._end(_commit)
            finally:
                self._owner = None
                self._ended_by = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._raise_if_ended()
        self._depth += 1
        name = f"peanut_sp{self._depth}"
        try:
            await self._begin(_open_savepoint, _rollback_savepoint, name)
            try:
                yield
            except BaseException:
                await self._undo(_rollback_savepoint, name)
                raise
            self._raise_if_ended()
            await self._end(_release_savepoint, name)
        finally:
            self._depth -= 1

    async def _begin(
        self, begin: Callable[..., None], undo: Callable[..., None], *args: Any
    ) -> None:
        # Shielded so an anyio cancellation is delivered inside the block, where the
        # rollback runs. asyncio's Task.cancel() ignores anyio shields, but the
        # worker thread runs calls in the order they are queued, so an undo queued
        # now still runs after the interrupted BEGIN and before anything else.
        try:
            with anyio.CancelScope(shield=True):
                await self._call(begin, *args)
        except BaseException:
            await self._undo(undo, *args)
            raise

    async def _end(self, function: Callable[..., None], *args: Any) -> None:
        # A cancelled COMMIT or ROLLBACK would leave the connection inside a
        # transaction that no task owns. The call is queued before the first await,
        # so it runs even when Task.cancel() interrupts the wait for its result.
        with anyio.CancelScope(shield=True):
            await self._call(function, *args)

    async def _undo(self, function: Callable[..., None], *args: Any) -> None:
        # Closing the connection already rolled back its transaction, and raising
        # DatabaseClosedError here would hide the error or cancellation being handled.
        if self._closed:
            return
        await self._end(function, *args)

    def _raise_if_ended(self) -> None:
        if self._ended_by is not None:
            raise DatabaseError(
                "the transaction was rolled back by SQLite after an earlier error "
                f"({self._ended_by}); nothing of it was committed. Let that error leave "
                "the transaction block and run the whole transaction again."
            )

    async def _note_if_transaction_ended(self, error: sqlite3.Error) -> None:
        # After some errors (a full disk, an I/O error) SQLite may roll back the whole
        # transaction. Later statements of the block would then run outside any
        # transaction and commit one by one, so the block is marked as ended.
        if self._owner is None or self._ended_by is not None or self._closed:
            return
        connection = self._connection
        with anyio.CancelScope(shield=True):
            still_open: bool = await connection._execute(  # type: ignore[no-untyped-call]
                _is_in_transaction, connection._conn
            )
        if not still_open:
            self._ended_by = str(error)

    def _raise_if_closed(self) -> None:
        if self._closed:
            raise DatabaseClosedError(
                f"database {self._path} is closed; open it again with connect()"
            )

    def _owns_lock(self) -> bool:
        return self._owner is not None and self._owner == _current_task()

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        self._raise_if_closed()
        connection = self._connection
        try:
            # aiosqlite's worker thread owns the sqlite3 connection and runs the
            # queued calls one at a time, in the order they were queued.
            result: T = await connection._execute(  # type: ignore[no-untyped-call]
                function, connection._conn, *args
            )
        except sqlite3.Error as error:
            if self._closed and _is_interrupt(error):
                raise DatabaseClosedError(
                    f"database {self._path} was closed while this statement ran"
                ) from error
            await self._note_if_transaction_ended(error)
            raise translate(error, _describe(function, args)) from error
        except OverflowError as error:
            # sqlite3 raises this, outside its own hierarchy, when binding an int
            # parameter that does not fit SQLite's 64-bit INTEGER.
            if "SQLite INTEGER" not in str(error):
                raise
            raise DatabaseError(
                f"{_describe(function, args)} failed: {error}. SQLite integers range "
                "from -2**63 to 2**63 - 1; pass a value in that range."
            ) from error
        except ValueError as error:
            if connection._connection is None:
                raise DatabaseClosedError(
                    f"database {self._path} is closed; open it again with connect()"
                ) from error
            raise
        return result

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

        A statement running at that moment is interrupted, and its caller gets
        :class:`DatabaseClosedError`. Statements already queued behind it still run,
        and an open transaction is rolled back. Closing is shielded from cancellation.
        """
        if self._closed:
            return
        self._closed = True
        self._interrupt_running_statement()
        with anyio.CancelScope(shield=True):
            try:
                await self._connection._execute(  # type: ignore[no-untyped-call]
                    _clear_interrupt, self._connection._conn
                )
            finally:
                # Reached even when Task.cancel() interrupts the wait above, so the
                # worker thread always gets its stop request.
                await self._close_connection()

    async def _close_connection(self) -> None:
        try:
            await self._connection.close()
        except sqlite3.Error as error:
            log.warning("closing database %s failed: %s", self._path, error)

    def _interrupt_running_statement(self) -> None:
        # sqlite3 allows interrupt() from another thread: a statement running in the
        # worker thread fails with SQLITE_INTERRUPT, so closing need not wait for a
        # long query. This includes a migration still running after its caller was
        # cancelled; the migration then rolls back.
        try:
            self._connection._conn.interrupt()
        except (ValueError, sqlite3.ProgrammingError):
            log.debug("database %s was already closed", self._path)

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __del__(self) -> None:
        if getattr(self, "_closed", True):
            return
        self._closed = True
        # Stop the worker thread before warning: where warnings are errors (pytest
        # with -W error), warn() raises and the rest of __del__ would not run.
        try:
            self._connection.stop()
        except Exception:  # the event loop may already be gone
            log.debug("could not stop the worker thread of an unclosed database")
        warnings.warn(
            f"Database {self._path!r} was garbage-collected while open; close it with "
            "'async with peanut_async.connect(...)' or 'await db.aclose()'",
            ResourceWarning,
            source=self,
            stacklevel=2,
        )


def _current_task() -> object:
    return anyio.get_current_task().id


def _execute(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    return conn.execute(sql, params).rowcount


def _executemany(conn: sqlite3.Connection, sql: str, rows: Iterable[Params]) -> int:
    return conn.executemany(sql, rows).rowcount


def _executemany_in_savepoint(conn: sqlite3.Connection, sql: str, rows: Iterable[Params]) -> int:
    conn.execute(f"SAVEPOINT {_EXECUTEMANY_SAVEPOINT}")
    try:
        count = _executemany(conn, sql, rows)
    except BaseException:
        _rollback_savepoint(conn, _EXECUTEMANY_SAVEPOINT)
        raise
    _release_savepoint(conn, _EXECUTEMANY_SAVEPOINT)
    return count


def _fetch_all(conn: sqlite3.Connection, sql: str, params: Params) -> list[sqlite3.Row]:
    return conn.execute(sql, params).fetchall()


def _fetch_one(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(sql, params).fetchone()
    return row


def _rollback_if_open(conn: sqlite3.Connection) -> None:
    # SQLite itself may roll back the whole transaction after some errors (a full
    # disk, an I/O error), and a second ROLLBACK would fail and hide the original error.
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _clear_interrupt(conn: sqlite3.Connection) -> None:
    # SQLite 3.40.1 (checked) keeps the interrupt flag set until the next statement
    # starts, and closing would then abort its WAL checkpoint and leave the -wal and
    # -shm files behind. Starting any statement with none running clears the flag.
    try:
        conn.execute("SELECT 1").fetchall()
    except sqlite3.OperationalError:
        log.debug("the statement clearing an interrupt was interrupted")


def _is_interrupt(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) == sqlite3.SQLITE_INTERRUPT


def _is_in_transaction(conn: sqlite3.Connection) -> bool:
    return conn.in_transaction


def _commit(conn: sqlite3.Connection) -> None:
    # COMMIT fails on a deferred foreign key violation, for example, and then leaves
    # the transaction open. Ending it in this same worker call means no other call
    # can run inside it.
    try:
        conn.execute("COMMIT")
    except sqlite3.Error:
        _rollback_if_open(conn)
        raise


def _open_savepoint(conn: sqlite3.Connection, name: str) -> None:
    conn.execute(f"SAVEPOINT {name}")


def _rollback_savepoint(conn: sqlite3.Connection, name: str) -> None:
    # Without a transaction, SQLite already rolled back everything, savepoint included.
    if not conn.in_transaction:
        return
    try:
        conn.execute(f"ROLLBACK TO {name}")
    except sqlite3.OperationalError as error:
        if "no such savepoint" in str(error):
            return  # the SAVEPOINT itself never ran
        raise
    conn.execute(f"RELEASE {name}")


def _release_savepoint(conn: sqlite3.Connection, name: str) -> None:
    conn.execute(f"RELEASE {name}")


def _describe(function: Callable[..., Any], args: tuple[Any, ...]) -> str:
    if args and isinstance(args[0], str):
        first = args[0].strip().splitlines()[0] if args[0].strip() else ""
        return f"statement {first[:80]!r}"
    return getattr(function, "__name__", "database operation").lstrip("_").replace("_", " ")
