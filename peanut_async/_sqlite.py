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


def configure(conn: sqlite3.Connection, *, busy_timeout: float, in_memory: bool) -> None:
    """Set the pragmas every connection of the library uses."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not in_memory:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(f"could not switch the database to WAL mode (mode is {mode!r})")
        # NORMAL is crash-safe in WAL mode: a killed process loses nothing committed;
        # only a power loss can drop the last transactions.
        conn.execute("PRAGMA synchronous = NORMAL")


_HINTS = {
    sqlite3.SQLITE_CANTOPEN: "Check that the path is a file in an existing, writable folder.",
    sqlite3.SQLITE_NOTADB: "Check that the path names a peanut-async database.",
    sqlite3.SQLITE_READONLY: "The database file or its folder is read-only; check permissions.",
    sqlite3.SQLITE_BUSY: "Another connection held the write lock too long; retry later.",
    sqlite3.SQLITE_LOCKED: "Another connection held the write lock too long; retry later.",
}


def translate(error: sqlite3.Error, action: str) -> DatabaseError:
    """Wrap a sqlite3 error in the library's hierarchy, naming what was being done."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    if primary == sqlite3.SQLITE_FULL:
        return StorageFullError(
            f"{action} failed: the disk or the database's size limit is full ({error}). "
            "The failed statement was rolled back; free space and try again."
        )
    hint = _HINTS.get(primary, "") if primary is not None else ""
    if not hint and is_busy(error):
        hint = _HINTS[sqlite3.SQLITE_BUSY]
    return DatabaseError(f"{action} failed: {error}. {hint}".rstrip())
