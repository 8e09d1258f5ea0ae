"""What every command shares: the database path, output and exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3

DB_ENV = "PEANUT_DB"

Handler = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]


def default_db_path() -> Path:
    """``$PEANUT_DB``, else ``$XDG_DATA_HOME/peanut-async/peanut.db``.

    ``XDG_DATA_HOME`` defaults to ``~/.local/share``.
    """
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "peanut-async" / "peanut.db"


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--db`` and ``--json`` to a command."""
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"database file (default: ${DB_ENV}, else {default_db_path_text()})",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def default_db_path_text() -> str:
    """The default path as help text shows it."""
    return "$XDG_DATA_HOME/peanut-async/peanut.db (~/.local/share/peanut-async/peanut.db)"


def resolve_db(args: argparse.Namespace, *, create_parent: bool) -> str:
    """The database path the command uses, creating its folder (mode 0700) if asked."""
    path: Path = args.db if args.db is not None else default_db_path()
    if create_parent and not path.parent.exists():
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
