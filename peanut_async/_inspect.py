"""Read-only inspection of a database file for ``status``, ``check`` and dry runs."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import attrs

from ._connect import migration_sources
from ._errors import MigrationError, MissingSchemaItem
from ._migrations import AppliedMigration, MigrationState, migration_status, plan_migrations
from ._registry import LoadedPlugin, check_schema
from ._sqlite import MEMORY, translate


@attrs.frozen
class Inspection:
    """What a database holds compared with the code: migrations and the plugin check."""

    path: str
    exists: bool
    states: tuple[MigrationState, ...]
    pending: tuple[AppliedMigration, ...]
    missing: tuple[MissingSchemaItem, ...]
    migration_error: MigrationError | None
    integrity: tuple[str, ...] | None = None

    @property
    def is_current(self) -> bool:
        """Tell whether no migration is pending and no migration error was found."""
        return self.migration_error is None and not self.pending

    @property
    def is_ok(self) -> bool:
        """Tell whether migrations are current, the schema check passes and integrity holds."""
        return self.is_current and not self.missing and not self.integrity


def inspect_database(
    path: str, plugins: Sequence[LoadedPlugin], *, integrity: bool = False
) -> Inspection:
    """Inspect ``path`` without writing to it (a missing file is reported, not created).

    Raises :class:`DatabaseError` when the file cannot be read as a SQLite database.
    """
    sources = migration_sources(plugins)
    exists = path == MEMORY or Path(path).exists()
    try:
        with closing(_open_read_only(path if exists else MEMORY)) as conn:
            error: MigrationError | None = None
            states: list[MigrationState] = []
            pending: list[AppliedMigration] = []
            try:
                states = migration_status(conn, sources)
                pending = plan_migrations(conn, sources)
            except MigrationError as raised:
                error = raised
            missing = check_schema(conn, plugins)
            problems = _integrity(conn) if integrity and exists else None
    except sqlite3.Error as failure:
        raise translate(failure, f"reading {path}") from failure
    return Inspection(
        path=path,
        exists=exists,
        states=tuple(states),
        pending=tuple(pending),
        missing=tuple(missing),
        migration_error=error,
        integrity=problems,
    )


def _open_read_only(path: str) -> sqlite3.Connection:
    if path == MEMORY:
        return sqlite3.connect(MEMORY)
    # Quoting matters: an unquoted '?' or '#' in the file name would end the path
    # part of the URI and open (and create) a different file in read-write mode.
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True)


def _integrity(conn: sqlite3.Connection) -> tuple[str, ...]:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        problems.append(
            f"foreign key violation: {table} row {rowid} references missing {parent} row"
        )
    return tuple(problems)
