"""Commands about the schema: migrate, status, baseline, check and plugins."""

from __future__ import annotations

import argparse
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from .._connect import DEFAULT_BUSY_TIMEOUT, connect, migration_sources
from .._errors import ChecksumMismatchError, DatabaseNewerError, MigrationError, count_of
from .._inspect import Inspection, inspect_database
from .._migrations import MigrationSource, baseline
from .._registry import LoadedPlugin, resolve_plugins
from .._sqlite import configure, create_private_file, damaged_hint, translate
from ._common import (
    EXIT_OK,
    add_common_options,
    emit,
    emit_json,
    fail,
    plugin_environment_notes,
    resolve_db,
)

# The one line `check` writes to standard error stays short enough to read in a log;
# the report on standard output has every detail.
MAX_SUMMARY = 200
MIGRATE_COMMAND = "`peanut-async migrate`"

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Subparsers) -> None:
    """Add the schema commands to ``commands``."""
    migrate = commands.add_parser("migrate", help="apply pending migrations")
    migrate.add_argument(
        "--dry-run", action="store_true", help="list what would run, write nothing"
    )
    add_common_options(migrate)
    migrate.set_defaults(handler=_migrate)

    status = commands.add_parser(
        "status", help="list applied and pending migrations and the plugin check"
    )
    add_common_options(status)
    status.set_defaults(handler=_status)

    base = commands.add_parser(
        "baseline",
        help="record a source's migrations up to VERSION as applied without running them",
    )
    base.add_argument("source", help="migration source: core or a plugin name")
    base.add_argument("version", type=int, help="last version to record as applied")
    add_common_options(base)
    base.set_defaults(handler=_baseline)

    check = commands.add_parser(
        "check",
        help="exit 0 when migrations are current and every plugin's schema is present",
    )
    check.add_argument(
        "--integrity", action="store_true", help="also run integrity_check and foreign_key_check"
    )
    add_common_options(check)
    check.set_defaults(handler=_check)

    plugins = commands.add_parser("plugins", help="list installed plugins and their schema check")
    add_common_options(plugins)
    plugins.set_defaults(handler=_plugins)


async def _migrate(args: argparse.Namespace) -> int:
    if args.dry_run:
        path = resolve_db(args, create_parent=False)
        inspection = await _inspect(path)
        if inspection.migration_error is not None:
            return fail(str(inspection.migration_error))
        plan = [_migration_json(m) for m in inspection.pending]
        if args.json:
            emit_json({"database": path, "dry_run": True, "pending": plan})
        else:
            emit(f"{len(plan)} migration(s) would run on {path}")
            for item in plan:
                emit(f"  {item['source']}/{item['file']}")
        return EXIT_OK
    path = resolve_db(args, create_parent=True)
    # NOTE: this lists what was pending before connect(). Another process migrating
    # the same file at the same moment may have applied some of them instead.
    before = await _inspect(path)
    async with connect(path):
        pass
    applied = [_migration_json(m) for m in before.pending]
    if args.json:
        emit_json({"database": path, "dry_run": False, "applied": applied})
    else:
        emit(f"applied {len(applied)} migration(s) to {path}")
        for item in applied:
            emit(f"  {item['source']}/{item['file']}")
    return EXIT_OK


async def _status(args: argparse.Namespace) -> int:
    path = resolve_db(args, create_parent=False)
    inspection = await _inspect(path)
    if args.json:
        emit_json(_inspection_json(inspection))
    else:
        _print_inspection(inspection)
    return EXIT_OK


async def _check(args: argparse.Namespace) -> int:
    path = resolve_db(args, create_parent=False)
    inspection = await _inspect(path, integrity=args.integrity)
    if args.json:
        emit_json(_inspection_json(inspection))
    else:
        _print_inspection(inspection)
        emit("check: ok" if inspection.is_ok else "check: FAILED")
    if inspection.is_ok:
        return EXIT_OK
    return fail(_summary(inspection))


def _summary(inspection: Inspection) -> str:
    """Return one short line naming each kind of problem; stdout has the details."""
    problems = []
    if inspection.read_error is not None:
        problems.append("the migration history cannot be read")
    if inspection.migration_error is not None:
        problems.append(_short_migration_error(inspection.migration_error))
    elif inspection.pending:
        problems.append(f"{_pending_text(inspection)}; run {MIGRATE_COMMAND}")
    elif inspection.missing:
        problems.append(f"{_missing_text(inspection)}; see the plugin check on standard output")
    if inspection.integrity:
        found = count_of(len(inspection.integrity), "problem")
        problems.append(
            f"the integrity check found {found}, listed on standard output with the next step"
        )
    line = "check failed: " + "; ".join(problems)
    if len(line) > MAX_SUMMARY:
        line = line[: MAX_SUMMARY - 3] + "..."
    return line


def _short_migration_error(error: MigrationError) -> str:
    if isinstance(error, ChecksumMismatchError):
        return f"migration {error.source}/{error.file} was changed after it was applied"
    if isinstance(error, DatabaseNewerError):
        return f"the database has {error.source} migrations this release lacks; upgrade"
    return str(error).split(". ", 1)[0]


def _pending_text(inspection: Inspection) -> str:
    count = len(inspection.pending)
    return f"{count_of(count, 'migration')} {'is' if count == 1 else 'are'} pending"


def _missing_text(inspection: Inspection) -> str:
    count = len(inspection.missing)
    verb = "is" if count == 1 else "are"
    return f"{count} of the tables and columns that plugins declare {verb} missing"


async def _baseline(args: argparse.Namespace) -> int:
    path = resolve_db(args, create_parent=True)
    plugins = resolve_plugins()
    sources = {source.name: source for source in migration_sources(plugins)}
    if args.source not in sources:
        known = ", ".join(sorted(sources))
        return fail(f"unknown migration source {args.source!r}; known sources: {known}")
    source = sources[args.source]
    recorded = await anyio.to_thread.run_sync(_baseline_sync, path, source, args.version)
    if args.json:
        emit_json(
            {"database": path, "source": args.source, "version": args.version, "recorded": recorded}
        )
    else:
        emit(f"recorded {len(recorded)} migration(s) of {args.source} as applied in {path}")
    return EXIT_OK


def _baseline_sync(path: str, source: MigrationSource, version: int) -> list[str]:
    create_private_file(Path(path))
    try:
        connection = sqlite3.connect(path, isolation_level=None, timeout=DEFAULT_BUSY_TIMEOUT)
        with closing(connection) as conn:
            configure(conn, busy_timeout=DEFAULT_BUSY_TIMEOUT, in_memory=False)
            return baseline(conn, source, version)
    except sqlite3.Error as error:
        raise translate(error, f"baselining {path}", path=path) from error


async def _plugins(args: argparse.Namespace) -> int:
    path = resolve_db(args, create_parent=False)
    plugins = resolve_plugins(on_error="warn")
    inspection = await anyio.to_thread.run_sync(inspect_database, path, plugins)
    rows = [_plugin_json(loaded, inspection) for loaded in plugins]
    if args.json:
        emit_json({"database": path, "plugins": rows})
        return EXIT_OK
    if not rows:
        emit("no plugins loaded")
    for row in rows:
        origin = "registered directly"
        if row["distribution"]:
            origin = f"{row['distribution']} {row['version']}"
        emit(f"{row['name']} ({origin})")
        emit(f"  migrations: {row['migrations'] or 'none'}")
        emit(f"  tables: {', '.join(row['tables'])}")
        emit(f"  check: {_plugin_check_text(row['missing'], inspection)}")
    for note in plugin_environment_notes():
        emit(f"note: {note}")
    return EXIT_OK


def _plugin_check_text(missing: list[str], inspection: Inspection) -> str:
    if not missing:
        return "ok"
    text = f"missing {', '.join(missing)}"
    if inspection.pending:
        text += f" ({_pending_text(inspection)}; run {MIGRATE_COMMAND})"
    return text


async def _inspect(path: str, *, integrity: bool = False) -> Inspection:
    plugins = resolve_plugins()
    return await anyio.to_thread.run_sync(
        lambda: inspect_database(path, plugins, integrity=integrity)
    )


def _plugin_json(loaded: LoadedPlugin, inspection: Inspection) -> dict[str, Any]:
    missing = [
        item.table if item.column is None else f"{item.table}.{item.column}"
        for item in inspection.missing
        if item.plugin == loaded.name
    ]
    return {
        "name": loaded.name,
        "distribution": loaded.distribution,
        "version": loaded.version,
        "entry_point": loaded.entry_point,
        "migrations": loaded.name if loaded.plugin.migrations is not None else None,
        "tables": sorted(loaded.plugin.tables),
        "depends_on": list(loaded.plugin.depends_on),
        "missing": missing,
        "check": "ok" if not missing else "failed",
    }


def _migration_json(migration: Any) -> dict[str, Any]:
    return {"source": migration.source, "version": migration.version, "file": migration.file}


def _inspection_json(inspection: Inspection) -> dict[str, Any]:
    error = inspection.migration_error
    return {
        "database": inspection.path,
        "exists": inspection.exists,
        "migrations": [
            {
                "source": state.source,
                "version": state.version,
                "file": state.file,
                "applied_at": state.applied_at,
                "checksum_ok": state.checksum_ok,
            }
            for state in inspection.states
        ],
        "pending": [_migration_json(m) for m in inspection.pending],
        "migration_error": None if error is None else str(error),
        "missing": [item.describe() for item in inspection.missing],
        "integrity": None if inspection.integrity is None else list(inspection.integrity),
        "read_error": inspection.read_error,
        "ok": inspection.is_ok,
    }


def _print_inspection(inspection: Inspection) -> None:
    emit(f"database: {inspection.path}{'' if inspection.exists else ' (does not exist yet)'}")
    for state in inspection.states:
        mark = "applied" if state.is_applied else "pending"
        if state.checksum_ok is False:
            mark = "CHANGED since applied"
        elif state.file is None:
            mark = "applied, file unknown to this code"
        emit(f"  {state.source:<12} {state.version:>4}  {state.file or state.name:<48} {mark}")
    if inspection.migration_error is not None:
        emit(f"migrations: {inspection.migration_error}")
    if inspection.read_error is not None:
        emit(f"migrations: cannot be read ({inspection.read_error})")
    _print_plugin_check(inspection)
    if inspection.integrity is not None:
        emit("integrity: ok" if not inspection.integrity else "integrity: FAILED")
        for problem in inspection.integrity:
            emit(f"  - {problem}")
        if inspection.integrity:
            emit(f"next step: {_integrity_next_step(inspection)}")


def _print_plugin_check(inspection: Inspection) -> None:
    if inspection.read_error is not None:
        emit("plugin check: not run")
    elif not inspection.missing:
        emit("plugin check: ok")
    elif inspection.pending:
        # Applying the pending migrations is the fix, not one migration per table.
        emit(
            f"plugin check: FAILED, {_missing_text(inspection)}; "
            f"{_pending_text(inspection)}, so run {MIGRATE_COMMAND}"
        )
    else:
        emit("plugin check: FAILED")
        for item in inspection.missing:
            emit(f"  - {item.describe()}")


def _integrity_next_step(inspection: Inspection) -> str:
    problems = inspection.integrity or ()
    if all(problem.startswith("foreign key violation:") for problem in problems):
        return "delete or correct the rows listed, or restore the database from a backup"
    return damaged_hint(inspection.path)

