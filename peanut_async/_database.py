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
from ._sqlite import sentence, translate
from ._worker_calls import (
    Params,
    _call_in_savepoint,
    _call_in_transaction,
    _call_read_only,
    _clear_interrupt,
    _commit,
    _execute,
    _executemany,
    _executemany_in_savepoint,
    _fetch_all,
    _fetch_one,
    _first_line,
    _is_in_transaction,
    _is_interrupt,
    _name_of,
    _open_savepoint,
    _release_savepoint,
    _rollback_if_open,
    _rollback_savepoint,
    _TransactionEndedByFunctionError,
)

if TYPE_CHECKING:
    from ._registry import LoadedPlugin

log = logging.getLogger(__name__)

T = TypeVar("T")


class Database:
    """An open peanut database. Get one from :func:`peanut_async.connect`.

    All statements run on one connection in aiosqlite's worker thread. A write lock
    makes transactions of concurrent tasks sharing this object run one after another;
    a statement issued outside a transaction takes the lock for its own duration, so it
    never lands inside another task's transaction.
    """

    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: str,
        plugins: Sequence[LoadedPlugin],
        *,
        busy_timeout: float | None = None,
    ) -> None:
        self._connection = connection
        self._path = path
        self._busy_timeout = busy_timeout
        self._plugins = tuple(plugins)
        self._apis: dict[str, Any] = {}
        self._lock = anyio.Lock()
        self._owner: object | None = None
        self._depth = 0
        # How the current transaction ended early: SQLite rolled it back by itself, or
        # a run_sync function ended it. None while it is open.
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
        return await self._run_statement(_execute, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement for each parameter row and return the total row count.

        The rows are written all or nothing: outside :meth:`transaction` they get a
        transaction of their own, and inside one a savepoint, so a failing row leaves
        none of the others behind.
        """
        if self._owns_lock():
            return await self._run_statement(_executemany_in_savepoint, sql, rows)
        async with self.transaction():
            return await self._run_statement(_executemany, sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a query and return every row."""
        return await self._run_statement(_fetch_all, sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, or None."""
        return await self._run_statement(_fetch_one, sql, params)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Run a query and return the first column of its first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def run_sync(
        self, function: Callable[..., T], *args: Any, read_only: bool = False
    ) -> T:
        """Call ``function(connection, *args)`` in the connection's worker thread.

        ``connection`` is the underlying :class:`sqlite3.Connection`. Use this for bulk
        work: many statements cost one await. What ``function`` writes is written all
        or nothing. Outside :meth:`transaction` it runs in a ``BEGIN IMMEDIATE``
        transaction of its own, committed when it returns and rolled back when it
        raises. Inside :meth:`transaction` it runs in a savepoint of that transaction.

        With ``read_only=True`` it runs with ``PRAGMA query_only`` on, so a write
        raises, and outside :meth:`transaction` in a deferred (read) transaction: its
        queries see one snapshot, and it does not wait for, or block, writers of
        other connections.

        ``function`` must not begin, commit or roll back transactions itself. Statements
        that do nothing inside a transaction (``PRAGMA foreign_keys``) or refuse to run
        in one (``VACUUM``) belong in :meth:`execute`. sqlite3 errors are raised as
        :class:`~peanut_async.DatabaseError`. A call whose caller is cancelled still
        runs to its end in the worker thread, and its transaction may commit.
        """
        # The two extra statements cost little next to the worker-thread round trip.
        # The real cost for a read is the file's write lock, which makes it wait behind
        # writers of other processes, so reads can opt out with read_only=True.
        operation = f"run_sync({_name_of(function)})"
        if self._owns_lock():
            self._raise_if_ended()
            wrapper = _call_read_only if read_only else _call_in_savepoint
            return await self._call(operation, wrapper, function, *args)
        async with self._lock:
            wrapper = _call_read_only if read_only else _call_in_transaction
            return await self._call(operation, wrapper, function, *args)

    async def _run_statement(self, function: Callable[..., T], sql: str, *args: Any) -> T:
        # One statement is atomic by itself, so it needs no transaction of its own.
        return await self._run(_first_line(sql), function, sql, *args, is_statement=True)

    async def _run(
        self, operation: str, function: Callable[..., T], *args: Any, is_statement: bool = False
    ) -> T:
        # Outside a transaction the call holds the write lock, so it never runs inside
        # another task's transaction.
        if self._owns_lock():
            self._raise_if_ended()
            return await self._call(operation, function, *args, is_statement=is_statement)
        async with self._lock:
            return await self._call(operation, function, *args, is_statement=is_statement)

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
                await self._begin("BEGIN IMMEDIATE", begin_immediate, _rollback_if_open)
                try:
                    yield
                except BaseException:
                    await self._undo("ROLLBACK", _rollback_if_open)
                    raise
                self._raise_if_ended()
                await self._end("COMMIT", _commit)
            finally:
                self._owner = None
                self._ended_by = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._raise_if_ended()
        self._depth += 1
        name = f"peanut_sp{self._depth}"
        try:
            await self._begin(f"SAVEPOINT {name}", _open_savepoint, _rollback_savepoint, name)
            try:
                yield
            except BaseException:
                await self._undo(f"ROLLBACK TO {name}", _rollback_savepoint, name)
                raise
            self._raise_if_ended()
            await self._end(f"RELEASE {name}", _release_savepoint, name)
        finally:
            self._depth -= 1

    async def _begin(
        self, operation: str, begin: Callable[..., None], undo: Callable[..., None], *args: Any
    ) -> None:
        # Shielded so an anyio cancellation is delivered inside the block, where the
        # rollback runs. asyncio's Task.cancel() ignores anyio shields, but the
        # worker thread runs calls in the order they are queued, so an undo queued
        # now still runs after the interrupted BEGIN and before anything else.
        try:
            with anyio.CancelScope(shield=True):
                await self._call(operation, begin, *args)
        except BaseException:
            await self._undo("ROLLBACK", undo, *args)
            raise

    async def _end(self, operation: str, function: Callable[..., None], *args: Any) -> None:
        # A cancelled COMMIT or ROLLBACK would leave the connection inside a
        # transaction that no task owns. The call is queued before the first await,
        # so it runs even when Task.cancel() interrupts the wait for its result.
        with anyio.CancelScope(shield=True):
            await self._call(operation, function, *args)

    async def _undo(self, operation: str, function: Callable[..., None], *args: Any) -> None:
        # Closing the connection already rolled back its transaction, and raising
        # DatabaseClosedError here would hide the error or cancellation being handled.
        if self._closed:
            return
        await self._end(operation, function, *args)

    def _raise_if_ended(self) -> None:
        if self._ended_by is not None:
            raise DatabaseError(
                f"{self._ended_by}. Let that error leave the transaction block and run "
                "the whole transaction again.",
                operation="transaction",
                path=self._path,
            )

    async def _note_if_transaction_ended(self, error: Exception) -> None:
        # After some errors (a full disk, an I/O error) SQLite may roll back the whole
        # transaction, also when a run_sync function catches the error and raises
        # another. Later statements of the block would then run outside any
        # transaction and commit one by one, so the block is marked as ended.
        if self._owner is None or self._ended_by is not None or self._closed:
            return
        connection = self._connection
        with anyio.CancelScope(shield=True):
            still_open: bool = await connection._execute(  # type: ignore[no-untyped-call]
                _is_in_transaction, connection._conn
            )
        if still_open:
            return
        if isinstance(error, _TransactionEndedByFunctionError):
            self._ended_by = (
                f"{error.operation} ended the transaction; what it committed stays committed"
            )
        else:
            self._ended_by = (
                f"the transaction was rolled back by SQLite after an earlier error ({error}); "
                "nothing of it was committed"
            )

    def _raise_if_closed(self, operation: str) -> None:
        if self._closed:
            raise self._closed_error(operation)

    def _closed_error(self, operation: str) -> DatabaseClosedError:
        return DatabaseClosedError(
            f"database {self._path} is closed; open it again with connect()",
            operation=operation,
            path=self._path,
        )

    def _owns_lock(self) -> bool:
        return self._owner is not None and self._owner == _current_task()

    async def _call(
        self, operation: str, function: Callable[..., T], *args: Any, is_statement: bool = False
    ) -> T:
        """Run ``function(sqlite3_connection, *args)`` in the worker thread.

        ``operation`` (a statement's first line when ``is_statement``, else an action)
        names what failed in a :class:`DatabaseError`.
        """
        self._raise_if_closed(operation)
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
                    f"database {self._path} was closed while this statement ran",
                    operation=operation,
                    path=self._path,
                ) from error
            await self._note_if_transaction_ended(error)
            raise translate(
                error,
                operation,
                path=self._path,
                is_statement=is_statement,
                busy_timeout=self._busy_timeout,
            ) from error
        except OverflowError as error:
            # sqlite3 raises this, outside its own hierarchy, when binding an int
            # parameter that does not fit SQLite's 64-bit INTEGER.
            if "SQLite INTEGER" not in str(error):
                raise
            subject = f"statement {operation!r}" if is_statement else operation
            raise DatabaseError(
                f"{subject} failed: {sentence(error)} SQLite integers range "
                "from -2**63 to 2**63 - 1; pass a value in that range.",
                operation=operation,
                path=self._path,
            ) from error
        except ValueError as error:
            if connection._connection is None:
                raise self._closed_error(operation) from error
            await self._note_if_transaction_ended(error)
            raise
        except Exception as error:
            # Raised by a run_sync function, or by its wrapper (DatabaseError).
            await self._note_if_transaction_ended(error)
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


class _Connection(aiosqlite.Connection):
    """An aiosqlite connection whose finalizer stops its worker thread without warning.

    aiosqlite's own ``__del__`` (0.22) warns, so a leaked :class:`Database` gave two
    ResourceWarnings. The Database's warning is the one that names the fix. Garbage
    collection may finalize the two objects in either order when they are in one
    reference cycle (a plugin API object that refers back to its Database makes one).
    """

    def __del__(self) -> None:
        if self._connection is not None:
            self.stop()


def new_connection(path: str, busy_timeout: float) -> aiosqlite.Connection:
    """Return an unopened aiosqlite connection to ``path`` in autocommit mode."""

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, isolation_level=None, timeout=busy_timeout)

    # 64 rows per fetch is aiosqlite.connect()'s default.
    return _Connection(connect, iter_chunk_size=64)


def _current_task() -> object:
    return anyio.get_current_task().id
