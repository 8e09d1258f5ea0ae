"""peanut-async: a person's private memory in one SQLite file, for asyncio applications."""

import logging

from ._connect import connect
from ._database import Database
from ._errors import (
    CalendarError,
    CalendarParseError,
    ChecksumMismatchError,
    DatabaseClosedError,
    DatabaseError,
    DatabaseNewerError,
    MigrationError,
    MigrationFailedError,
    MigrationFileError,
    MissingSchemaItem,
    NotFoundError,
    PeanutError,
    PluginConflictError,
    PluginDefinitionError,
    PluginDependencyError,
    PluginError,
    PluginLoadError,
    PluginNotLoadedError,
    SchemaCheckError,
    StorageFullError,
    ValidationError,
)
from ._plugin import Plugin
from ._registry import LoadedPlugin
from ._version import __version__

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CalendarError",
    "CalendarParseError",
    "ChecksumMismatchError",
    "Database",
    "DatabaseClosedError",
    "DatabaseError",
    "DatabaseNewerError",
    "LoadedPlugin",
    "MigrationError",
    "MigrationFailedError",
    "MigrationFileError",
    "MissingSchemaItem",
    "NotFoundError",
    "PeanutError",
    "Plugin",
    "PluginConflictError",
    "PluginDefinitionError",
    "PluginDependencyError",
    "PluginError",
    "PluginLoadError",
    "PluginNotLoadedError",
    "SchemaCheckError",
    "StorageFullError",
    "ValidationError",
    "__version__",
    "connect",
]
