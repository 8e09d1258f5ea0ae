"""The migration history table and the ``schema_version`` view built on it."""

from __future__ import annotations

import logging
import random
import sqlite3
import time

import attrs

from ._source import MigrationFile

log = logging.getLogger(__name__)

HISTORY_TABLE = "peanut_migrations"

_CREATE_HISTORY = f"""
CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} (
    source TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 0),
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    duration_ms REAL NOT NULL,
    baseline INTEGER NOT NULL DEFAULT 0 CHECK (baseline IN (0, 1)),
    PRIMARY KEY (source, version)
)
"""

# The core version as a one-row view, so `SELECT version, applied_at FROM schema_version`
# reads the core schema version directly.
_CREATE_VIEW = f"""
CREATE VIEW IF NOT EXISTS schema_version AS
SELECT version, applied_at FROM {HISTORY_TABLE}
WHERE source = 'core' ORDER BY version DESC LIMIT 1
"""

@attrs.frozen
class HistoryRow:
    """One applied migration as recorded in the history table."""

    name: str
    checksum: str
    applied_at: str


def has_history(conn: sqlite3.Connection) -> bool:
    """Tell whether the history table exists."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (HISTORY_TABLE,)
    ).fetchone()
    return row is not None


def ensure_history(conn: sqlite3.Connection) -> None:
    """Create the history table and the ``schema_version`` view if they are missing."""
    if has_history(conn):
        return
    begin_immediate(conn)
    try:
        conn.execute(_CREATE_HISTORY)
        conn.execute(_CREATE_VIEW)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def read_history(
    conn: sqlite3.Connection, source: str | None = None, version: int | None = None
) -> dict[tuple[str, int], HistoryRow]:
    """Return recorded migrations keyed by (source, version), optionally just one."""
    if not has_history(conn):
        return {}
    sql = f"SELECT source, version, name, checksum, applied_at FROM {HISTORY_TABLE}"
    params: tuple[object, ...] = ()
    if source is not None:
        sql += " WHERE source = ? AND version = ?"
        params = (source, version)
    return {
        (row[0], row[1]): HistoryRow(name=row[2], checksum=row[3], applied_at=row[4])
        for row in conn.execute(sql, params)
    }


def record(
    conn: sqlite3.Connection,
    source: str,
    migration: MigrationFile,
    *,
    duration_ms: float,
    baseline: bool = False,
) -> None:
    """Write the history row of ``migration`` inside the caller's transaction."""
    conn.execute(
        f"INSERT INTO {HISTORY_TABLE} (source, version, name, checksum, duration_ms, baseline)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (source, migration.version, migration.name, migration.checksum, duration_ms, int(baseline)),
    )


def begin_immediate(conn: sqlite3.Connection) -> None:
    """Start a write transaction, waiting up to the connection's busy timeout for the lock.

    SQLite's busy handler covers most waits, but some lock conflicts return
    ``SQLITE_BUSY`` at once (for example while another connection switches a new file
    to WAL), so those are retried here with backoff until the busy timeout has passed.
    """
    timeout_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    deadline = time.monotonic() + timeout_ms / 1000
    delay = 0.001
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() >= deadline:
                raise
            log.debug("write lock busy, retrying in %.3f s", delay)
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.1)


def is_busy(error: sqlite3.Error) -> bool:
    """Tell whether ``error`` means another connection holds a lock."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)
