"""Functions that run in a Database's worker thread on its sqlite3 connection.

Each takes the connection as its first argument, as ``Database._call`` passes it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from ._errors import DatabaseError
from ._migrations._history import begin_immediate

log = logging.getLogger(__name__)

T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]
_EXECUTEMANY_SAVEPOINT = "peanut_executemany"
_RUN_SYNC_SAVEPOINT = "peanut_run_sync"


def _name_of(function: Callable[..., Any]) -> str:
    return str(getattr(function, "__qualname__", None) or type(function).__name__)


def _first_line(sql: str) -> str:
    for line in sql.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def _call_in_transaction(conn: sqlite3.Connection, function: Callable[..., T], *args: Any) -> T:
    begin_immediate(conn)
    try:
        result = function(conn, *args)
        _require_open_transaction(conn, function)
    except BaseException:
        _rollback_if_open(conn)
        raise
    _commit(conn)
    return result


def _call_in_savepoint(conn: sqlite3.Connection, function: Callable[..., T], *args: Any) -> T:
    conn.execute(f"SAVEPOINT {_RUN_SYNC_SAVEPOINT}")
    try:
        result = function(conn, *args)
        _require_open_transaction(conn, function)
    except BaseException:
        _rollback_savepoint(conn, _RUN_SYNC_SAVEPOINT)
        raise
    _release_savepoint(conn, _RUN_SYNC_SAVEPOINT)
    return result


class _TransactionEndedByFunctionError(DatabaseError):
    """The transaction of a run_sync call ended before its function returned."""


def _require_open_transaction(conn: sqlite3.Connection, function: Callable[..., Any]) -> None:
    # Statements that ran after the transaction ended were committed one by one, so
    # returning normally would claim an all-or-nothing write that did not happen.
    if not conn.in_transaction:
        raise _TransactionEndedByFunctionError(
            f"the transaction of run_sync({_name_of(function)}) ended before the function "
            "returned: the function committed or rolled back itself, or caught an error "
            "after which SQLite rolled the transaction back. Statements after that point "
            "were committed one at a time. Let errors propagate, and leave BEGIN, COMMIT "
            "and ROLLBACK to the Database.",
            operation=f"run_sync({_name_of(function)})",
        )


def _call_read_only(conn: sqlite3.Connection, function: Callable[..., T], *args: Any) -> T:
    was_query_only = conn.execute("PRAGMA query_only").fetchone()[0]
    conn.execute("PRAGMA query_only = ON")
    try:
        if conn.in_transaction:
            return function(conn, *args)
        # A deferred transaction takes no write lock, and its first read fixes the
        # snapshot that every later query of the function reads.
        conn.execute("BEGIN")
        try:
            return function(conn, *args)
        finally:
            _rollback_if_open(conn)
    finally:
        conn.execute(f"PRAGMA query_only = {int(was_query_only)}")


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
