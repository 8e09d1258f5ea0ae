"""The library's exception hierarchy, rooted in :class:`PeanutError`.

Each error carries the values it is about as attributes, so callers can act on them
without parsing the message, and each message names the next step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs


class PeanutError(Exception):
    """Base class of every error the library raises on purpose."""


class ValidationError(PeanutError, ValueError):
    """A value given to the library is invalid."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field!r} must be {expected}, got {value!r}")


class NotFoundError(PeanutError, LookupError):
    """A record the caller named does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class DatabaseError(PeanutError):
    """SQLite failed on an operation; ``__cause__`` is the sqlite3 error, if any.

    ``operation`` is what was being done: the first line of the failed statement (up to
    80 characters), or an action such as ``"opening /data/peanut.db"`` or
    ``"run_sync(import_rows)"``. ``path`` is the database file. Either is None when not
    known.
    """

    def __init__(
        self, message: str, *, operation: str | None = None, path: str | None = None
    ) -> None:
        self.operation = operation
        self.path = path
        super().__init__(message)


class StorageFullError(DatabaseError):
    """The disk or the database's page limit is full; nothing of the failed write remains."""


class DatabaseClosedError(DatabaseError):
    """The database was used after it was closed; ``path`` names it."""


class MigrationError(PeanutError):
    """Base class of migration errors; ``source`` names the migration source."""

    def __init__(self, message: str, *, source: str, file: str | None = None) -> None:
        self.source = source
        self.file = file
        super().__init__(message)


class MigrationFileError(MigrationError):
    """A migration source contains a badly named file or two files with one version."""

    def __init__(self, message: str, *, source: str, files: Sequence[str]) -> None:
        self.files = tuple(files)
        super().__init__(message, source=source, file=self.files[0] if self.files else None)


class MigrationFailedError(MigrationError):
    """A statement of a migration failed; the migration was rolled back and not recorded."""

    def __init__(
        self, *, source: str, file: str, statement: str, sqlite_message: str
    ) -> None:
        self.statement = statement
        self.sqlite_message = sqlite_message
        first_line = _first_line(statement)
        super().__init__(
            f"migration {source}/{file} failed at statement {first_line!r}: "
            f"{sqlite_message}. Nothing of this migration was applied; fix the file "
            "and run the migrations again.",
            source=source,
            file=file,
        )


class ChecksumMismatchError(MigrationError):
    """An applied migration's file changed after it was applied."""

    def __init__(self, *, source: str, file: str, stored: str, current: str) -> None:
        self.stored = stored
        self.current = current
        super().__init__(
            f"migration {source}/{file} was changed after it was applied "
            f"(stored checksum {stored}, current {current}). Restore the original file "
            "and put the change in a new migration with a higher version.",
            source=source,
            file=file,
        )


class DatabaseNewerError(MigrationError):
    """The database records migration versions this code does not have."""

    def __init__(self, *, source: str, versions: Sequence[int]) -> None:
        self.versions = tuple(versions)
        listed = ", ".join(str(v) for v in self.versions)
        super().__init__(
            f"the database has {source} migration version(s) {listed}, which this "
            "code does not have: the database was migrated by a newer release. "
            "Upgrade peanut-async (or the plugin providing this source).",
            source=source,
        )


class PluginError(PeanutError):
    """Base class of plugin errors; ``plugin`` names the plugin when one is known."""

    def __init__(self, message: str, *, plugin: str | None = None) -> None:
        self.plugin = plugin
        super().__init__(message)


class PluginDefinitionError(PluginError, ValueError):
    """A plugin declaration is invalid (for example a table name that is not an identifier)."""


class PluginLoadError(PluginError):
    """A plugin's entry point failed to load or did not yield a Plugin."""

    def __init__(
        self,
        message: str,
        *,
        entry_point: str,
        distribution: str | None,
        version: str | None,
        plugin: str | None = None,
    ) -> None:
        self.entry_point = entry_point
        self.distribution = distribution
        self.version = version
        super().__init__(message, plugin=plugin)


class PluginConflictError(PluginError):
    """Two plugins share one name."""

    def __init__(self, message: str, *, plugin: str, origins: Sequence[str]) -> None:
        self.origins = tuple(origins)
        super().__init__(message, plugin=plugin)


class PluginDependencyError(PluginError):
    """A plugin depends on a plugin that is not loaded, or dependencies form a cycle."""

    def __init__(self, message: str, *, plugin: str, dependency: str) -> None:
        self.dependency = dependency
        super().__init__(message, plugin=plugin)


class PluginNotLoadedError(PluginError, LookupError):
    """``Database.plugin()`` was asked for a plugin that is not loaded."""

    def __init__(self, plugin: str, loaded: Sequence[str]) -> None:
        self.loaded = tuple(loaded)
        names = ", ".join(self.loaded) or "none"
        super().__init__(
            f"plugin {plugin!r} is not loaded (loaded: {names}); install it or pass it "
            "to connect(plugins=...)",
            plugin=plugin,
        )


@attrs.frozen
class MissingSchemaItem:
    """One table or column a plugin declared that the database does not have."""

    plugin: str
    distribution: str | None
    version: str | None
    table: str
    column: str | None

    def describe(self) -> str:
        """Return one line naming the plugin, the missing item and the fix."""
        origin = f" ({self.distribution} {self.version})" if self.distribution else ""
        if self.column is None:
            item = f"table {self.table}"
            fix = "add a migration that creates it"
        else:
            item = f"column {self.table}.{self.column}"
            fix = "add a migration that creates it"
        return f"plugin {self.plugin!r}{origin} needs {item}, which is missing: {fix}"


class SchemaCheckError(PluginError):
    """Declared tables or columns of loaded plugins are missing from the database.

    ``pending`` lists the migrations not yet applied (``"source/file"``). When it is not
    empty, applying them is the fix, so the message names that fix instead of listing
    each missing item. ``missing`` contains every item either way.
    """

    def __init__(
        self, missing: Sequence[MissingSchemaItem], *, pending: Sequence[str] = ()
    ) -> None:
        self.missing = tuple(missing)
        self.pending = tuple(pending)
        plugins = sorted({item.plugin for item in self.missing})
        super().__init__(
            _schema_check_message(self.missing, self.pending, plugins),
            plugin=plugins[0] if len(plugins) == 1 else None,
        )


def _schema_check_message(
    missing: Sequence[MissingSchemaItem], pending: Sequence[str], plugins: Sequence[str]
) -> str:
    names = ", ".join(repr(name) for name in plugins)
    if pending:
        pending_verb = "is" if len(pending) == 1 else "are"
        missing_verb = "is" if len(missing) == 1 else "are"
        return (
            f"schema check failed for plugin(s) {names}: {count_of(len(pending), 'migration')} "
            f"{pending_verb} pending; run `peanut-async migrate` or connect with "
            f"migrate=True. {len(missing)} of the tables and columns these plugins declare "
            f"{missing_verb} missing."
        )
    lines = "\n".join(f"  - {item.describe()}" for item in missing)
    return f"schema check failed for {len(plugins)} plugin(s):\n{lines}"


class CalendarError(PeanutError):
    """Base class of calendar ingest errors."""


class CalendarParseError(CalendarError, ValueError):
    """A calendar file or payload cannot be parsed; nothing of it was written."""

    def __init__(self, reason: str, *, file: str, offset: int | None = None) -> None:
        self.file = file
        self.reason = reason
        self.offset = offset
        super().__init__(f"{file}: {reason}")


def _first_line(statement: str) -> str:
    for line in statement.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            return stripped
    return statement.strip()


def count_of(count: int, noun: str) -> str:
    """Return ``"1 migration"`` or ``"3 migrations"``: the count and the noun, pluralized."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe_value(value: Any, limit: int = 80) -> str:
    """Return ``repr(value)`` shortened to ``limit`` characters for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
