"""Plugin discovery through entry points, dependency ordering and the schema check."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import Literal

import attrs
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ._errors import (
    MissingSchemaItem,
    PluginConflictError,
    PluginDependencyError,
    PluginError,
    PluginLoadError,
)
from ._migrations import MigrationSource
from ._plugin import Plugin
from ._version import __version__

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "peanut_async.plugins"
DISABLE_AUTOLOAD_ENV = "PEANUT_DISABLE_PLUGIN_AUTOLOAD"
BLOCK_ENV = "PEANUT_BLOCK_PLUGINS"

OnError = Literal["raise", "warn"]


@attrs.frozen
class LoadedPlugin:
    """A plugin together with where it came from, for listings and error messages."""

    plugin: Plugin
    entry_point: str | None = None
    distribution: str | None = None
    version: str | None = None

    @property
    def name(self) -> str:
        """The plugin's name."""
        return self.plugin.name

    @property
    def origin(self) -> str:
        """Where the plugin came from, in words."""
        if self.entry_point is None:
            return "registered directly"
        dist = f" in {self.distribution} {self.version}" if self.distribution else ""
        return f"entry point {self.entry_point!r}{dist}"

    def migration_source(self) -> MigrationSource | None:
        """Return the plugin's migrations as a source named after it, or None."""
        if self.plugin.migrations is None:
            return None
        return MigrationSource(self.plugin.name, self.plugin.migrations)


def resolve_plugins(
    names: Iterable[str] | None = None,
    register: Iterable[Plugin] = (),
    *,
    on_error: OnError = "raise",
) -> tuple[LoadedPlugin, ...]:
    """Load the requested plugins and return them in dependency order.

    ``names`` None loads every installed plugin unless the environment variable
    ``PEANUT_DISABLE_PLUGIN_AUTOLOAD`` is set; a sequence loads just those (an empty one
    loads none). ``PEANUT_BLOCK_PLUGINS`` (comma-separated names) skips plugins even
    when installed. Plugins in ``register`` are always included.
    """
    requested = None if names is None else list(dict.fromkeys(names))
    blocked = _blocked()
    loaded = [LoadedPlugin(plugin) for plugin in register]
    autoload = requested is None and not autoload_disabled()
    if autoload or requested:
        wanted = None if autoload else set(requested or ())
        loaded.extend(_load_entry_points(wanted, blocked, on_error))
    if requested:
        _require_all_found(requested, loaded)
    return _order(_reject_conflicts(loaded))


def check_schema(
    conn: sqlite3.Connection, plugins: Sequence[LoadedPlugin]
) -> list[MissingSchemaItem]:
    """Return every declared table or column of ``plugins`` that the database lacks."""
    tables = sorted({table.lower() for loaded in plugins for table in loaded.plugin.tables})
    existing: dict[str, set[str]] = {}
    if tables:
        marks = ", ".join("?" * len(tables))
        rows = conn.execute(
            "SELECT lower(m.name), lower(p.name) FROM sqlite_schema AS m, "
            "pragma_table_info(m.name) AS p "
            f"WHERE m.type IN ('table', 'view') AND lower(m.name) IN ({marks})",
            tables,
        )
        for table, column in rows:
            existing.setdefault(table, set()).add(column)
    missing = []
    for loaded in plugins:
        for table, columns in loaded.plugin.tables.items():
            found = existing.get(table.lower())
            if found is None:
                missing.append(_missing(loaded, table, None))
                continue
            missing.extend(_missing(loaded, table, c) for c in columns if c.lower() not in found)
    return missing


def _missing(loaded: LoadedPlugin, table: str, column: str | None) -> MissingSchemaItem:
    return MissingSchemaItem(
        plugin=loaded.name,
        distribution=loaded.distribution,
        version=loaded.version,
        table=table,
        column=column,
    )


def autoload_disabled() -> bool:
    """Tell whether ``PEANUT_DISABLE_PLUGIN_AUTOLOAD`` turns automatic loading off.

    Any value but an empty one, ``0``, ``false``, ``no`` or ``off`` turns it off.
    """
    value = os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def installed_plugin_names() -> list[str]:
    """List the plugins ``connect()`` would autoload: installed and not blocked."""
    if autoload_disabled():
        return []
    blocked = _blocked()
    names = {found.entry_point.name for found in _discover()}
    return sorted(names - blocked)


def _blocked() -> set[str]:
    raw = os.environ.get(BLOCK_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}


@attrs.frozen
class _Found:
    entry_point: EntryPoint
    distribution: str | None
    version: str | None


_discovered: tuple[tuple[tuple[str, float], ...], list[_Found]] | None = None


def _discover() -> list[_Found]:
    """List the installed plugin entry points, cached until ``sys.path`` changes.

    Reading every distribution's metadata costs milliseconds, more than the rest of
    opening a database. Installing or removing a distribution changes the modification
    time of its folder on ``sys.path``, which invalidates the cache.
    """
    global _discovered  # noqa: PLW0603
    key = tuple((entry, _mtime(entry)) for entry in sys.path)
    if _discovered is not None and _discovered[0] == key:
        return _discovered[1]
    # The same distribution can sit twice on sys.path (an editable install next to a
    # regular one); identical entry points are one plugin, not a conflict.
    unique: dict[tuple[str, str], _Found] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        found = _Found(entry_point, dist.name if dist else None, dist.version if dist else None)
        unique.setdefault((entry_point.name, entry_point.value), found)
    _discovered = (key, list(unique.values()))
    return _discovered[1]


def _mtime(entry: str) -> float:
    try:
        return os.stat(entry or ".").st_mtime
    except OSError:
        return -1.0


def _load_entry_points(
    wanted: set[str] | None, blocked: set[str], on_error: OnError
) -> list[LoadedPlugin]:
    loaded = []
    for found in _discover():
        name = found.entry_point.name
        if name in blocked:
            log.debug("plugin %s blocked by %s", name, BLOCK_ENV)
            continue
        if wanted is not None and name not in wanted:
            continue
        try:
            loaded.append(_load_one(found))
        except PluginLoadError as error:
            if on_error == "raise":
                raise
            log.warning("skipping plugin: %s", error)
    return loaded


def _load_one(found: _Found) -> LoadedPlugin:
    entry_point, distribution, version = found.entry_point, found.distribution, found.version
    described = f"{entry_point.name} = {entry_point.value}"

    def fail(reason: str) -> PluginLoadError:
        origin = f" from {distribution} {version}" if distribution else ""
        return PluginLoadError(
            f"plugin entry point {described!r}{origin} {reason}",
            entry_point=described,
            distribution=distribution,
            version=version,
            plugin=entry_point.name,
        )

    log.debug("loading plugin entry point %s", described)
    try:
        plugin = entry_point.load()
    except Exception as error:
        raise fail(f"failed to import: {type(error).__name__}: {error}") from error
    if not isinstance(plugin, Plugin):
        raise fail(f"does not point to a peanut_async.Plugin (got {type(plugin).__name__})")
    _check_supported(plugin, fail)
    return LoadedPlugin(plugin, described, distribution, version)


def _check_supported(plugin: Plugin, fail: Callable[[str], PluginLoadError]) -> None:
    if plugin.requires is None:
        return
    try:
        supported = SpecifierSet(plugin.requires)
    except InvalidSpecifier as error:
        raise fail(f"declares an invalid 'requires' specifier {plugin.requires!r}") from error
    if not supported.contains(__version__, prereleases=True):
        raise fail(
            f"supports peanut-async {plugin.requires}, but {__version__} is installed; "
            "upgrade the plugin or install a supported peanut-async"
        )


def _require_all_found(requested: Sequence[str], loaded: Sequence[LoadedPlugin]) -> None:
    found = {plugin.name for plugin in loaded}
    for name in requested:
        if name not in found:
            raise PluginError(
                f"plugin {name!r} was requested but is not installed or is blocked by "
                f"{BLOCK_ENV}; install the distribution that provides it",
                plugin=name,
            )


def _reject_conflicts(loaded: Sequence[LoadedPlugin]) -> list[LoadedPlugin]:
    by_name: dict[str, LoadedPlugin] = {}
    for plugin in loaded:
        other = by_name.get(plugin.name)
        if other is not None:
            raise PluginConflictError(
                f"two plugins are named {plugin.name!r}: {other.origin} and {plugin.origin}; "
                "uninstall one or block it with "
                f"{BLOCK_ENV}",
                plugin=plugin.name,
                origins=[other.origin, plugin.origin],
            )
        by_name[plugin.name] = plugin
    return list(by_name.values())


def _order(plugins: Sequence[LoadedPlugin]) -> tuple[LoadedPlugin, ...]:
    """Sort plugins so each comes after its dependencies (stable otherwise)."""
    by_name = {plugin.name: plugin for plugin in plugins}
    ordered: list[LoadedPlugin] = []
    state: dict[str, str] = {}

    stack: list[str] = []

    def visit(plugin: LoadedPlugin) -> None:
        if state.get(plugin.name) == "done":
            return
        state[plugin.name] = "visiting"
        stack.append(plugin.name)
        for dependency in plugin.plugin.depends_on:
            target = by_name.get(dependency)
            if target is None:
                raise PluginDependencyError(
                    f"plugin {plugin.name!r} depends on {dependency!r}, which is not loaded; "
                    f"install or load {dependency!r} too",
                    plugin=plugin.name,
                    dependency=dependency,
                )
            if state.get(dependency) == "visiting":
                cycle = " -> ".join([*stack[stack.index(dependency) :], dependency])
                raise PluginDependencyError(
                    f"plugin dependencies form a cycle: {cycle}; remove one of these dependencies",
                    plugin=plugin.name,
                    dependency=dependency,
                )
            visit(target)
        stack.pop()
        state[plugin.name] = "done"
        ordered.append(plugin)

    for plugin in sorted(plugins, key=lambda p: p.name):
        visit(plugin)
    return tuple(ordered)
