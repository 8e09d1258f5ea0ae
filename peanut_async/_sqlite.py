"""Low-level SQLite helpers: file creation, pragmas and error translation."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ._errors import DatabaseError, StorageFullError
from ._migrations._history import is_busy

MEMORY = ":memory:"
_OWNER_ONLY = 0o600


def create_private_file(path: Path) -> bool:
    """Create ``path`` with mode 0600 if it does not exist; tell whether it was created.

    SQLite gives the ``-wal`` and ``-shm`` files the database file's own mode, so
    creating the database file owner-only keeps all three private.
    """
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _OWNER_ONLY)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def reject_directory(path: str) -> None:
    """Raise :class:`DatabaseError` when ``path`` is a directory.

    SQLite reports a directory only as a vague "disk I/O error" or "unable to open
    database file", so the library checks first and names the fix.
    """
    if os.path.isdir(path):
        raise DatabaseError(
            f"{path} is a directory, not a database file; pass the path of a file, "
            f"such as {Path(path) / 'peanut.db'}",
            operation="opening the database",
            path=path,
        )


def configure(conn: sqlite3.Connection, *, busy_timeout: float, in_memory: bool) -> None:
    """Set the pragmas every connection of the library uses."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not in_memory:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(
                f"could not switch the database to WAL mode (mode is {mode!r})",
                operation="PRAGMA journal_mode = WAL",
            )
        # NORMAL is crash-safe in WAL mode: a killed process loses nothing committed;
        # only a power loss can drop the last transactions.
        conn.execute("PRAGMA synchronous = NORMAL")
    # The default 2 MiB page cache is outgrown by the participant index during a large
    # import, which then pays for random page reads; 16 MiB (the negative value is KiB)
    # kept 50,000-event imports 4-21 % faster in the benchmarks.
    conn.execute("PRAGMA cache_size = -16384")


def sentence(text: object) -> str:
    """Return ``text`` as one sentence ending in exactly one period.

    sqlite3 messages sometimes end in a period and sometimes not; joining them into a
    longer message must not produce "..".
    """
    return str(text).strip().rstrip(".") + "."


def translate(
    error: sqlite3.Error,
    operation: str,
    *,
    path: str | None = None,
    is_statement: bool = False,
    busy_timeout: float | None = None,
) -> DatabaseError:
    """Wrap a sqlite3 error in the library's hierarchy, naming what was being done.

    ``operation`` is the first line of the failed statement when ``is_statement`` is
    true, else an action such as ``"opening /a/b.db"``. ``path`` is stored on the error
    and named in messages about the file itself (not a database, damaged). A lock
    timeout's message gives ``busy_timeout`` (seconds).
    """
    subject = f"statement {operation!r}" if is_statement else operation
    code = getattr(error, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    if primary == sqlite3.SQLITE_FULL:
        return StorageFullError(
            f"{subject} failed: the disk or the database's size limit is full ({error}). "
            "The failed statement was rolled back; free space and try again.",
            operation=operation,
            path=path,
        )
    if primary == sqlite3.SQLITE_NOTADB and path is not None:
        return DatabaseError(
            f"{path} is not a peanut-async database ({error}). Check the path; if the "
            "file was a database that got damaged, restore it from a backup.",
            operation=operation,
            path=path,
        )
    hint = _hint(error, primary, path, busy_timeout)
    return DatabaseError(
        f"{subject} failed: {sentence(error)} {hint}".rstrip(), operation=operation, path=path
    )


def damaged_hint(path: str | None) -> str:
    """Return the next step for a damaged database file."""
    where = path if path is not None else "the database file"
    salvage = f"sqlite3 {path} .recover" if path is not None else "sqlite3 FILE .recover"
    return (
        f"{where} is damaged: restore it from a backup, or save what is still readable "
        f"with `{salvage} > recovered.sql`."
    )


def _hint(
    error: sqlite3.Error, primary: int | None, path: str | None, busy_timeout: float | None
) -> str:
    if primary == sqlite3.SQLITE_CORRUPT:
        return damaged_hint(path)
    if primary == sqlite3.SQLITE_BUSY or (primary is None and is_busy(error)):
        waited = "" if busy_timeout is None else f" ({busy_timeout:g} s)"
        return (
            f"Another connection held the write lock for longer than busy_timeout{waited}; "
            "retry later, or pass a larger busy_timeout to connect()."
        )
    if primary == sqlite3.SQLITE_LOCKED:
        return "Another statement or connection holds a lock on this table; retry later."
    return _HINTS.get(primary, "") if primary is not None else ""


_HINTS = {
    sqlite3.SQLITE_CANTOPEN: "Check that the path is a file in an existing, writable folder.",
    sqlite3.SQLITE_NOTADB: "Check that the path names a peanut-async database.",
    sqlite3.SQLITE_READONLY: "The database file or its folder is read-only; check permissions.",
}
