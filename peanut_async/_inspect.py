"""Read-only inspection of a database file for ``status``, ``check`` and dry runs."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import attrs

from ._connect import migration_sources
from ._errors import DatabaseError, MigrationError, MissingSchemaItem
from ._migrations import (
    AppliedMigration,
    MigrationSource,
    MigrationState,
    migration_status,
    plan_migrations,
)
from ._registry import LoadedPlugin, check_schema
from ._sqlite import MEMORY, damaged_hint, reject_directory, translate


@attrs.frozen
class Inspection:
    """Comparison of a database with the code: migrations and the plugin check."""

    path: str
    exists: bool
    states: tuple[MigrationState, ...]
    pending: tuple[AppliedMigration, ...]
    missing: tuple[MissingSchemaItem, ...]
    migration_error: MigrationError | None
    integrity: tuple[str, ...] | None = None
    # Why the migrations and the schema could not be read, after the integrity check
    # found the file damaged; states, pending and missing are empty then.
    read_error: str | None = None

    @property
    def is_current(self) -> bool:
        """Tell whether no migration is pending and no migration error was found."""
        return self.migration_error is None and self.read_error is None and not self.pending

    @property
    def is_ok(self) -> bool:
        """Tell whether migrations are current, the schema check passes and integrity holds."""
        return self.is_current and not self.missing and not self.integrity


def inspect_database(
    path: str, plugins: Sequence[LoadedPlugin], *, integrity: bool = False
) -> Inspection:
    """Inspect ``path`` without writing to it (a missing file is reported, not created).

    With ``integrity``, the integrity and foreign key checks run first. When they find
    problems and the migrations then cannot be read, the inspection reports both
    instead of raising. Raises :class:`DatabaseError` when the path is a directory or
    the file cannot be read as a SQLite database.
    """
    sources = migration_sources(plugins)
    if path != MEMORY:
        reject_directory(path)
    exists = path == MEMORY or Path(path).exists()
    try:
        with closing(_open_read_only(path if exists else MEMORY)) as conn:
            problems = _integrity(conn, path) if integrity and exists else None
            try:
                states, pending, missing, error = _read_schema(conn, sources, plugins)
            except sqlite3.DatabaseError as failure:
                if not problems:
                    raise
                return Inspection(
                    path=path,
                    exists=exists,
                    states=(),
                    pending=(),
                    missing=(),
                    migration_error=None,
                    integrity=problems,
                    read_error=str(failure),
                )
    except sqlite3.Error as failure:
        raise translate(failure, f"reading {path}", path=path) from failure
    return Inspection(
        path=path,
        exists=exists,
        states=tuple(states),
        pending=tuple(pending),
        missing=tuple(missing),
        migration_error=error,
        integrity=problems,
    )


def _read_schema(
    conn: sqlite3.Connection, sources: Sequence[MigrationSource], plugins: Sequence[LoadedPlugin]
) -> tuple[
    list[MigrationState], list[AppliedMigration], list[MissingSchemaItem], MigrationError | None
]:
    """Return the migration states, the pending migrations, the missing items and the error."""
    states: list[MigrationState] = []
    try:
        states = migration_status(conn, sources)
        pending = plan_migrations(conn, sources)
    except MigrationError as error:
        return states, [], check_schema(conn, plugins), error
    return states, pending, check_schema(conn, plugins), None


def _open_read_only(path: str) -> sqlite3.Connection:
    if path == MEMORY:
        return sqlite3.connect(MEMORY)
    # Quoting matters: an unquoted '?' or '#' in the file name would end the path
    # part of the URI and open (and create) a different file in read-write mode.
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True)


def _integrity(conn: sqlite3.Connection, path: str) -> tuple[str, ...]:
    """Return the problems ``integrity_check`` and ``foreign_key_check`` report, one a line.

    Damage can make a check stop with an error part way. The rows read until then are
    kept, followed by a line naming the error. Raises :class:`DatabaseError` when not
    even the list of tables can be read.
    """
    problems = _integrity_rows(conn, path)
    try:
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(
                f"foreign key violation: {table} row {rowid} references missing {parent} row"
            )
    except sqlite3.DatabaseError as error:
        problems.append(f"foreign_key_check stopped: {error}")
    return tuple(problems)


def _integrity_rows(conn: sqlite3.Connection, path: str) -> list[str]:
    rows: list[str] = []
    try:
        for (text,) in conn.execute("PRAGMA integrity_check"):
            rows.extend(_problem_lines(text))
    except sqlite3.DatabaseError as error:
        if not _is_corrupt(error):
            raise  # not a database at all, for example; the caller names the file
        rows.append(f"integrity_check stopped: {error}")
        rows.extend(_integrity_by_table(conn, path))
    return rows


def _integrity_by_table(conn: sqlite3.Connection, path: str) -> list[str]:
    # A damaged page can stop the whole-file check before it reports anything, so each
    # table (with its indexes) is checked alone, to say which ones are affected.
    try:
        tables = [row[0] for row in conn.execute(_TABLES)]
    except sqlite3.DatabaseError as error:
        if not _is_corrupt(error):
            raise
        raise DatabaseError(
            f"{path} cannot be read as a database at all: reading its list of tables failed "
            f"({error}). {damaged_hint(path)}",
            operation="PRAGMA integrity_check",
            path=path,
        ) from error
    rows: list[str] = []
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        try:
            for (text,) in conn.execute(f"PRAGMA integrity_check({quoted})"):
                rows.extend(f"table {table}: {line}" for line in _problem_lines(text))
        except sqlite3.DatabaseError as error:
            rows.append(f"table {table}: cannot be read ({error})")
    return rows


_TABLES = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"


def _is_corrupt(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) == sqlite3.SQLITE_CORRUPT


def _problem_lines(text: str) -> list[str]:
    # One row can hold several lines, under a "*** in database main ***" header.
    return [
        line
        for line in text.splitlines()
        if line.strip() and line != "ok" and not line.startswith("*** in database ")
    ]
