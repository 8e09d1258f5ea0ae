"""Argument parsing and dispatch for ``peanut-async``."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from .._errors import PeanutError
from .._registry import BLOCK_ENV, DISABLE_AUTOLOAD_ENV, ENTRY_POINT_GROUP, resolve_plugins
from .._sqlite import translate
from .._version import __version__
from . import _schema_commands
from ._common import (
    DB_ENV,
    EXIT_BROKEN_PIPE,
    EXIT_USAGE,
    Handler,
    autoload_disabled_value,
    blocked_plugins,
    fail,
)

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with the core commands and every installed plugin's commands."""
    return _build()[0]


def _build() -> tuple[argparse.ArgumentParser, Subparsers]:
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
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    When standard output is closed before everything was written, as in
    ``peanut-async status | head -1``, the rest of the output is discarded. The exit
    code is then 141 (128 + SIGPIPE), as a shell reports for ``cat`` in the same pipe,
    and nothing is printed about it.
    """
    try:
        code = _main(argv)
        # Flushed here, not at interpreter exit, where a broken pipe could only be
        # reported as "Exception ignored" with exit code 120.
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_standard_output()
        return EXIT_BROKEN_PIPE
    return code


def _main(argv: Sequence[str] | None) -> int:
    try:
        parser, commands = _build()
    except PeanutError as error:
        return fail(str(error))
    arguments = sys.argv[1:] if argv is None else list(argv)
    unavailable = _unavailable_command(arguments, commands)
    if unavailable is not None:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"peanut-async: error: {unavailable}\n")
        return EXIT_USAGE
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code not in (0, None) else 0
    # -v counts both before the command and after it (see add_common_options).
    args.verbose += getattr(args, "command_verbose", 0)
    _configure_logging(args.verbose)
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(args))
    except BrokenPipeError:
        raise  # standard output was closed; main() handles it
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


def _discard_standard_output() -> None:
    # Point the file descriptor at /dev/null, so the final flush at interpreter exit
    # has somewhere to write what is still buffered. Without a descriptor (output
    # captured in memory) there is nothing to redirect.
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


def _unavailable_command(arguments: Sequence[str], commands: Subparsers) -> str | None:
    """Explain why a command of an installed but unloaded plugin is unknown, or None.

    Only a command named like the plugin's entry point is recognized; argparse reports
    every other unknown command.
    """
    # The top-level options (-v, --version, -h) take no value, so the first word
    # without a leading '-' is the command.
    command = next((word for word in arguments if not word.startswith("-")), None)
    if command is None or command in commands.choices:
        return None
    installed = {entry_point.name for entry_point in entry_points(group=ENTRY_POINT_GROUP)}
    if command not in installed:
        return None
    unknown = f"unknown command {command!r}; installed plugin {command!r}"
    if command in blocked_plugins():
        return (
            f"{unknown} is blocked by {BLOCK_ENV}, so its commands are not loaded. Remove "
            f"{command!r} from {BLOCK_ENV} to use them."
        )
    disabled = autoload_disabled_value()
    if disabled:
        return (
            f"{unknown} is not loaded because {DISABLE_AUTOLOAD_ENV}={disabled} turns off "
            f"loading installed plugins. Unset {DISABLE_AUTOLOAD_ENV} to use its commands."
        )
    return f"{unknown} failed to load (see the warning above), so its commands are missing."


def _configure_logging(verbosity: int) -> None:
    levels = (logging.WARNING, logging.INFO, logging.DEBUG)
    level = levels[min(verbosity, len(levels) - 1)]
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
