"""The :class:`Plugin` declaration that built-in and third-party plugins instantiate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import PluginDefinitionError

if TYPE_CHECKING:
    import argparse

    from ._database import Database

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED_SOURCE = "core"


def is_identifier(name: object) -> bool:
    """Tell whether ``name`` is a plain SQL identifier safe to use unquoted."""
    return (
        isinstance(name, str)
        and _IDENTIFIER.fullmatch(name) is not None
        and not name.lower().startswith("sqlite_")
    )


def _check_identifier(what: str, name: object, plugin: str | None) -> None:
    if not is_identifier(name):
        raise PluginDefinitionError(
            f"{what} must be an identifier (letters, digits and _, not starting with a "
            f"digit or sqlite_), got {name!r}",
            plugin=plugin,
        )


def _freeze_tables(tables: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(tables, Mapping):
        raise PluginDefinitionError(
            f"'tables' must be a mapping of table name to column names, got {tables!r}"
        )
    frozen: dict[str, tuple[str, ...]] = {}
    for table, columns in tables.items():
        if isinstance(columns, str) or not isinstance(columns, Iterable):
            raise PluginDefinitionError(
                f"columns of table {table!r} must be a sequence of names, got {columns!r}"
            )
        frozen[table] = tuple(columns)
    return MappingProxyType(frozen)


def _freeze_names(names: Iterable[str]) -> tuple[str, ...]:
    if isinstance(names, str):
        return (names,)
    return tuple(names)


@attrs.frozen
class Plugin:
    """A domain module's declaration: what it needs from the database and how to build it.

    Expose an instance through an entry point in the ``peanut_async.plugins`` group, or
    pass it to ``connect(register=[...])``.

    - ``name``: unique identifier, also the migration source name of ``migrations``.
    - ``tables``: each table (or view, or virtual table) the plugin uses, mapped to the
      columns it reads or writes. ``connect()`` refuses a database missing any of them.
    - ``api_factory``: called with the :class:`Database` once it is open and checked;
      what it returns is what ``db.plugin(name)`` gives.
    - ``migrations``: a folder (a path or an ``importlib.resources`` Traversable) of
      ``NNN_description.sql`` files, applied after the core schema and recorded under
      ``name``.
    - ``depends_on``: names of plugins that must be loaded, and migrated, before this one.
    - ``requires``: a PEP 440 specifier of the peanut-async versions the plugin supports,
      such as ``">=0.1,<1"``.
    - ``cli``: optional; called with the command line's subparsers to add commands.
    """

    name: str
    tables: Mapping[str, tuple[str, ...]] = attrs.field(converter=_freeze_tables)
    api_factory: Callable[[Database], Any]
    migrations: Path | Traversable | None = None
    depends_on: tuple[str, ...] = attrs.field(default=(), converter=_freeze_names)
    requires: str | None = None
    cli: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None = attrs.field(
        default=None, eq=False
    )

    def __attrs_post_init__(self) -> None:
        _check_identifier("plugin name", self.name, None)
        if self.name == RESERVED_SOURCE:
            raise PluginDefinitionError(
                f"plugin name {self.name!r} is reserved for the core schema; choose another",
                plugin=self.name,
            )
        for table, columns in self.tables.items():
            _check_identifier("declared table name", table, self.name)
            for column in columns:
                _check_identifier(f"declared column name of table {table!r}", column, self.name)
        for dependency in self.depends_on:
            _check_identifier(f"dependency of plugin {self.name!r}", dependency, self.name)
        if not callable(self.api_factory):
            raise PluginDefinitionError(
                f"'api_factory' of plugin {self.name!r} must be callable, got {self.api_factory!r}",
                plugin=self.name,
            )
