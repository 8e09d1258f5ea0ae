"""Helpers shared by every command: the database path, output and exit codes."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import attrs

from .._errors import PeanutError
from .._registry import BLOCK_ENV, DISABLE_AUTOLOAD_ENV, autoload_disabled

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
# The status a shell reports for a process killed by SIGPIPE (`yes | head -1`). The
# command line exits with it, quietly, when standard output is closed early.
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE

DB_ENV = "PEANUT_DB"
DEFAULT_ORIGIN = "the default location"

Handler = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]


class DatabasePathError(PeanutError):
    """The database path of a command is unusable; ``origin`` names where it came from."""

    def __init__(self, message: str, *, path: Path, origin: str) -> None:
        self.path = path
        self.origin = origin
        super().__init__(message)


@attrs.frozen
class DatabaseLocation:
    """A command's database path and where it came from: ``--db``, ``PEANUT_DB`` or default."""

    path: Path
    origin: str

    @property
    def is_default(self) -> bool:
        """Tell whether the path is the default location rather than one the user gave."""
        return self.origin == DEFAULT_ORIGIN


def default_db_path() -> Path:
    """``$PEANUT_DB``, else ``$XDG_DATA_HOME/peanut-async/peanut.db``.

    ``XDG_DATA_HOME`` defaults to ``~/.local/share``.
    """
    return database_location(None).path


def database_location(db_option: Path | None) -> DatabaseLocation:
    """Return ``--db`` if given, else ``$PEANUT_DB``, else the default location.

    The default is ``$XDG_DATA_HOME/peanut-async/peanut.db``. A relative
    ``XDG_DATA_HOME`` is ignored, as the XDG Base Directory Specification requires, and
    then, as when it is unset, ``~/.local/share`` is used.
    """
    if db_option is not None:
        return DatabaseLocation(db_option, "--db")
    override = os.environ.get(DB_ENV)
    if override:
        return DatabaseLocation(Path(override).expanduser(), DB_ENV)
    data_home = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(data_home):
        data_home = str(Path.home() / ".local" / "share")
    return DatabaseLocation(Path(data_home) / "peanut-async" / "peanut.db", DEFAULT_ORIGIN)


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--db``, ``--json`` and ``-v``/``--verbose`` to a command."""
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"database file (default: ${DB_ENV}, else {default_db_path_text()}); "
        "its folder must exist",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    # A separate destination: the command's parser would otherwise reset the count
    # given before the command to 0. main() adds the two counts.
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        dest="command_verbose",
        help="log more (-vv for debug)",
    )


def default_db_path_text() -> str:
    """Return the default path as the help text shows it."""
    return "$XDG_DATA_HOME/peanut-async/peanut.db (~/.local/share/peanut-async/peanut.db)"


def resolve_db(args: argparse.Namespace, *, create_parent: bool) -> str:
    """Return the command's database path, creating the default folder if asked.

    With ``create_parent``, a missing folder is created (mode 0700) only for the
    default location. The folder of a path given by ``--db`` or ``PEANUT_DB`` must
    exist, so a mistyped path fails instead of starting a new database in a new folder
    tree. Raises :class:`DatabasePathError` for a missing folder of a given path, and
    for a path that is a directory.
    """
    location = database_location(args.db)
    path = location.path
    if path.is_dir():
        raise DatabasePathError(
            f"{location.origin} names {path}, which is a directory; pass the path of a "
            f"database file, such as {path / 'peanut.db'}",
            path=path,
            origin=location.origin,
        )
    if create_parent and not path.parent.is_dir():
        if not location.is_default:
            raise DatabasePathError(
                f"the folder {path.parent} of {location.origin} {path} does not exist; "
                "create it first or correct the path",
                path=path,
                origin=location.origin,
            )
        path.parent.mkdir(parents=True, mode=0o700)
    return str(path)


def emit_json(payload: Any) -> None:
    """Print ``payload`` as JSON on standard output."""
    sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n")


def emit(line: str = "") -> None:
    """Print one line of human-readable output."""
    sys.stdout.write(line + "\n")


def fail(message: str) -> int:
    """Print an error on one line to standard error and return the failure exit code."""
    sys.stderr.write(f"peanut-async: error: {' '.join(message.split())}\n")
    return EXIT_FAILED


def plugin_environment_notes() -> list[str]:
    """Describe the set plugin-loading variables, one line each, for listings."""
    notes = []
    disabled = autoload_disabled_value()
    if disabled:
        notes.append(f"{DISABLE_AUTOLOAD_ENV}={disabled} turns off loading installed plugins")
    blocked = blocked_plugins()
    if blocked:
        notes.append(f"{BLOCK_ENV} blocks plugin(s): {', '.join(sorted(blocked))}")
    return notes


def autoload_disabled_value() -> str:
    """Return ``PEANUT_DISABLE_PLUGIN_AUTOLOAD`` if it turns autoloading off, else ``""``."""
    return os.environ.get(DISABLE_AUTOLOAD_ENV, "") if autoload_disabled() else ""


def blocked_plugins() -> set[str]:
    """Return the plugin names that ``PEANUT_BLOCK_PLUGINS`` lists (comma-separated)."""
    raw = os.environ.get(BLOCK_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}
