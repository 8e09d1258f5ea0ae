"""Argument parsing and dispatch for ``peanut-async``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from collections.abc import Sequence

from .._errors import PeanutError
from .._registry import resolve_plugins
from .._sqlite import translate
from .._version import __version__
from . import _schema_commands
from ._common import DB_ENV, EXIT_USAGE, Handler, fail

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with the core commands and every installed plugin's commands."""
    parser = argparse.ArgumentParser(
        prog="peanut-async",
        description="Manage a peanut-async database: migrations, plugins and imports.",
    )
    parser.add_argument("--version", action="version", version=f"peanut-async {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (-vv for debug)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _schema_commands.register(commands)
    for loaded in resolve_plugins(on_error="warn"):
        if loaded.plugin.cli is not None:
            loaded.plugin.cli(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    try:
        parser = build_parser()
    except PeanutError as error:
        return fail(str(error))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code not in (0, None) else 0
    _configure_logging(args.verbose)
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(args))
    except PeanutError as error:
        return fail(str(error))
    except sqlite3.Error as error:
        return fail(str(translate(error, f"peanut-async {args.command}")))
    except KeyboardInterrupt:
        return fail("interrupted; nothing of the operation in progress was committed")
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        return fail(
            f"{error.strerror or error}{where}. Check the --db path (or ${DB_ENV}) "
            "and its folder's permissions."
        )


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )

