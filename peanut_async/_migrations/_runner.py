"""Apply migration sources to a SQLite connection, one transaction per migration.

The runner works on a plain :class:`sqlite3.Connection` and controls transactions
itself with explicit ``BEGIN IMMEDIATE`` / ``COMMIT`` / ``ROLLBACK`` statements, run one
statement at a time. It never calls ``executescript()``, which commits any open
transaction first, so it behaves the same whether the connection uses sqlite3's legacy
transaction handling or autocommit (``isolation_level=None``). A connection must not be
inside a transaction when a migration or a baseline starts.

NOTE: a Python 3.12+ connection opened with ``autocommit=False`` is always inside a
transaction, so the runner rejects it. The tests run on Python 3.11 and do not cover it.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Sequence

import attrs

from .._errors import (
    ChecksumMismatchError,
    DatabaseNewerError,
    MigrationError,
    MigrationFailedError,
)
from ._history import (
    HistoryRow,
    begin_immediate,
    ensure_history,
    read_history,
    record,
)
from ._source import MigrationFile, MigrationSource
from ._split import split_statements

log = logging.getLogger(__name__)


@attrs.frozen
class AppliedMigration:
    """A migration the runner applied (or, in a dry run, would apply)."""

    source: str
    version: int
    name: str
    file: str
    duration_ms: float


@attrs.frozen
class MigrationState:
    """One migration of a source with whether it is applied, for ``status``."""

    source: str
    version: int
    name: str
    file: str | None
    applied_at: str | None
    checksum_ok: bool | None

    @property
    def is_applied(self) -> bool:
        """Tell whether the database records this migration as applied."""
        return self.applied_at is not None


def plan_migrations(
    conn: sqlite3.Connection, sources: Sequence[MigrationSource]
) -> list[AppliedMigration]:
    """Return the migrations :func:`apply_migrations` would run, writing nothing.

    Raises the same checksum and version errors as :func:`apply_migrations`.
    """
    history = read_history(conn)
    plan = []
    for source in sources:
        for migration in _pending(source, source.load(), history):
            plan.append(_applied(source, migration, 0.0))
    return plan


def apply_migrations(
    conn: sqlite3.Connection, sources: Sequence[MigrationSource]
) -> list[AppliedMigration]:
    """Apply every pending migration of ``sources``, in the order given.

    Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with its
    history row. Inside the write lock the history is read again, so when several
    processes migrate one database at once each migration is applied exactly once.
    """
    loaded = [(source, source.load()) for source in sources]
    history = read_history(conn)
    applied: list[AppliedMigration] = []
    for source, migrations in loaded:
        for migration in _pending(source, migrations, history):
            result = _apply_one(conn, source, migration)
            if result is not None:
                applied.append(result)
    return applied


def baseline(conn: sqlite3.Connection, source: MigrationSource, version: int) -> list[str]:
    """Record every migration of ``source`` up to ``version`` as applied, without running it.

    This adopts a database whose schema was made elsewhere. Returns the files recorded.
    """
    migrations = source.load()
    known = {migration.version for migration in migrations}
    if version not in known:
        listed = ", ".join(str(v) for v in sorted(known)) or "none"
        raise MigrationError(
            f"source {source.name!r} has no migration version {version} "
            f"(versions: {listed}); pass one of them.",
            source=source.name,
        )
    _reject_open_transaction(conn, source, None)
    ensure_history(conn)
    recorded = []
    begin_immediate(conn)
    try:
        history = read_history(conn)
        for migration in migrations:
            if migration.version <= version and (source.name, migration.version) not in history:
                record(conn, source.name, migration, duration_ms=0.0, baseline=True)
                recorded.append(migration.file)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    log.info(
        "baselined %s migrations of source %s up to version %s", len(recorded), source.name, version
    )
    return recorded


def migration_status(
    conn: sqlite3.Connection, sources: Sequence[MigrationSource]
) -> list[MigrationState]:
    """List every migration of ``sources`` and every recorded one, applied or pending."""
    history = read_history(conn)
    states = []
    for source in sources:
        files = {migration.version: migration for migration in source.load()}
        recorded = {v for (name, v) in history if name == source.name}
        for version in sorted(set(files) | recorded):
            migration = files.get(version)
            row = history.get((source.name, version))
            states.append(_state(source.name, version, migration, row))
    return states


def _state(
    source: str, version: int, migration: MigrationFile | None, row: HistoryRow | None
) -> MigrationState:
    name = ""
    if migration is not None:
        name = migration.name
    elif row is not None:
        name = row.name
    return MigrationState(
        source=source,
        version=version,
        name=name,
        file=migration.file if migration else None,
        applied_at=row.applied_at if row else None,
        checksum_ok=(row.checksum == migration.checksum) if (row and migration) else None,
    )


def _pending(
    source: MigrationSource,
    migrations: Sequence[MigrationFile],
    history: dict[tuple[str, int], HistoryRow],
) -> list[MigrationFile]:
    """Verify the applied migrations of ``source`` and return the ones still to apply."""
    by_version = {migration.version: migration for migration in migrations}
    unknown = sorted(v for (name, v) in history if name == source.name and v not in by_version)
    if unknown:
        raise DatabaseNewerError(source=source.name, versions=unknown)
    pending = []
    for migration in migrations:
        row = history.get((source.name, migration.version))
        if row is None:
            pending.append(migration)
        else:
            _verify_checksum(source.name, migration, row.checksum)
    return pending


def _verify_checksum(source: str, migration: MigrationFile, stored: str) -> None:
    if stored != migration.checksum:
        raise ChecksumMismatchError(
            source=source, file=migration.file, stored=stored, current=migration.checksum
        )


def _apply_one(
    conn: sqlite3.Connection, source: MigrationSource, migration: MigrationFile
) -> AppliedMigration | None:
    _reject_open_transaction(conn, source, migration)
    ensure_history(conn)
    started = time.perf_counter()
    begin_immediate(conn)
    try:
        if _recorded_meanwhile(conn, source, migration):
            conn.execute("ROLLBACK")
            return None
        _execute_all(conn, source.name, migration)
        duration_ms = (time.perf_counter() - started) * 1000
        record(conn, source.name, migration, duration_ms=duration_ms)
        _commit(conn, source.name, migration)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    log.info("applied migration %s/%s in %.1f ms", source.name, migration.file, duration_ms)
    return _applied(source, migration, duration_ms)


def _reject_open_transaction(
    conn: sqlite3.Connection, source: MigrationSource, migration: MigrationFile | None
) -> None:
    # BEGIN IMMEDIATE would fail with "cannot start a transaction within a transaction",
    # and committing the caller's half-done work along with a migration would be worse.
    if not conn.in_transaction:
        return
    action = (
        f"apply migration {source.name}/{migration.file}"
        if migration is not None
        else f"baseline source {source.name!r}"
    )
    raise MigrationError(
        f"cannot {action}: the connection is inside a transaction the caller opened. "
        "Commit or roll it back first.",
        source=source.name,
        file=None if migration is None else migration.file,
    )


def _recorded_meanwhile(
    conn: sqlite3.Connection, source: MigrationSource, migration: MigrationFile
) -> bool:
    # Another process may have applied it between our read and the write lock.
    key = (source.name, migration.version)
    row = read_history(conn, source.name, migration.version).get(key)
    if row is None:
        return False
    _verify_checksum(source.name, migration, row.checksum)
    log.debug("migration %s/%s was applied by another connection", source.name, migration.file)
    return True


def _commit(conn: sqlite3.Connection, source: str, migration: MigrationFile) -> None:
    # Deferred foreign keys are checked only here, after every statement succeeded.
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as error:
        raise MigrationFailedError(
            source=source, file=migration.file, statement="COMMIT", sqlite_message=str(error)
        ) from error


def _execute_all(conn: sqlite3.Connection, source: str, migration: MigrationFile) -> None:
    for statement in split_statements(migration.sql):
        log.debug("migration %s/%s: %s", source, migration.file, statement.splitlines()[0])
        try:
            conn.execute(statement)
        except sqlite3.Error as error:
            raise MigrationFailedError(
                source=source,
                file=migration.file,
                statement=statement,
                sqlite_message=str(error),
            ) from error


def _applied(
    source: MigrationSource, migration: MigrationFile, duration_ms: float
) -> AppliedMigration:
    return AppliedMigration(
        source=source.name,
        version=migration.version,
        name=migration.name,
        file=migration.file,
        duration_ms=duration_ms,
    )
