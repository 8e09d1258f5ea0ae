"""The ``peanut-async calendar`` commands: ``import`` and ``upcoming``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..._cli._common import EXIT_OK, add_common_options, emit, emit_json, fail, resolve_db
from ..._connect import connect
from ..._errors import CalendarParseError
from ._api import MAX_HOURS, CalendarAPI
from ._cli_options import aware, hours, time_zone, usage_error, window_bound, window_problem
from ._cli_summary import EXIT_STATUS_HELP, print_summary, summarize, summary_json
from ._store_queries import Meeting
from ._store_report import ImportIssue, ImportReport
from ._window import DEFAULT_WINDOW_DAYS, default_zone

# The commands load only this plugin, so a broken third-party plugin cannot stop an
# import, and no other plugin's migrations run as a side effect.
PLUGIN_NAME = "calendar"

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register_commands(commands: Subparsers) -> None:
    """Add ``calendar import`` and ``calendar upcoming`` to the command line."""
    calendar = commands.add_parser("calendar", help="import calendars and list meetings")
    subcommands = calendar.add_subparsers(dest="calendar_command", metavar="COMMAND", required=True)
    _add_import_command(subcommands)

    upcoming = subcommands.add_parser("upcoming", help="list meetings starting soon")
    upcoming.add_argument(
        "--hours",
        type=hours,
        default=24.0,
        metavar="N",
        help=f"look ahead N hours, a positive number of at most {MAX_HOURS} (default: 24)",
    )
    add_common_options(upcoming)
    upcoming.set_defaults(handler=upcoming_command)


def _add_import_command(subcommands: Subparsers) -> None:
    importer = subcommands.add_parser(
        "import",
        help="import .ics files or Google Calendar API JSON",
        description="Import each FILE in its own transaction. Recurring events are stored "
        f"as their occurrences between --from and --to, by default from {DEFAULT_WINDOW_DAYS} "
        f"days before now to {DEFAULT_WINDOW_DAYS} days after; a series without any "
        "occurrence in that window gets a warning. Events that do not recur are imported "
        f"whatever their date. {EXIT_STATUS_HELP}",
    )
    importer.add_argument("files", nargs="+", type=Path, metavar="FILE", help="calendar file")
    importer.add_argument(
        "--format",
        choices=("auto", "ics", "google"),
        default="auto",
        help="input format (default: auto, detected from each file's extension, else its content)",
    )
    importer.add_argument(
        "--from",
        dest="window_start",
        type=window_bound,
        metavar="DATE",
        help="expand recurring events from this date or date-time: YYYY-MM-DD or ISO 8601, "
        f"where a date-time without offset is in --timezone (default: {DEFAULT_WINDOW_DAYS} "
        "days before now)",
    )
    importer.add_argument(
        "--to",
        dest="window_end",
        type=window_bound,
        metavar="DATE",
        help="expand recurring events until this date or date-time, exclusive (same forms as "
        f"--from; default: {DEFAULT_WINDOW_DAYS} days after now)",
    )
    importer.add_argument(
        "--timezone",
        type=time_zone,
        default="UTC",
        metavar="ZONE",
        help="IANA time zone of floating times and of --from and --to without offset, such as "
        "Europe/Berlin (default: UTC)",
    )
    importer.add_argument(
        "--source",
        default=None,
        metavar="NAME",
        help="name of the calendar the files belong to (default: the format, ics or google). "
        "An event is identified by source, UID and recurrence id, so the same UID in two "
        "files of one source is one event, which each import updates (with a warning when "
        "the files differ). Give unrelated calendars their own --source.",
    )
    add_common_options(importer)
    importer.set_defaults(handler=import_command, command_parser=importer)


async def import_command(args: argparse.Namespace) -> int:
    """Import every file, print a summary and return the exit status."""
    zone = default_zone(args.timezone)
    window_start = aware(args.window_start, zone)
    window_end = aware(args.window_end, zone)
    problem = window_problem(window_start, window_end, zone)
    if problem is not None:
        return usage_error(args.command_parser, problem)
    path = resolve_db(args, create_parent=True)
    progress = Progress(sys.stderr)
    outcomes: list[ImportReport | ImportIssue] = []

    try:
        async with connect(path, plugins=[PLUGIN_NAME]) as db:
            api = db.plugin("calendar", CalendarAPI)
            for index, file in enumerate(args.files, start=1):
                progress.show(f"[{index}/{len(args.files)}] importing {file}")
                try:
                    report = await api.import_file(
                        file,
                        format=args.format,
                        window_start=window_start,
                        window_end=window_end,
                        default_timezone=args.timezone,
                        source=args.source,
                    )
                except CalendarParseError as error:
                    outcomes.append(ImportIssue(str(file), None, error.reason))
                    continue
                except OSError as error:
                    reason = error.strerror or str(error)
                    outcomes.append(ImportIssue(str(file), None, reason))
                    continue
                outcomes.append(report)
    finally:
        progress.clear()

    summary = summarize(outcomes)
    if args.json:
        emit_json(summary_json(path, summary))
    else:
        print_summary(path, summary, verbose=args.verbose > 0)
    return summary.exit_status


async def upcoming_command(args: argparse.Namespace) -> int:
    """Print the meetings starting within ``--hours`` and return the exit status."""
    path = resolve_db(args, create_parent=False)
    if not Path(path).exists():
        return fail(f"database {path} does not exist; import a calendar first or pass --db")
    async with connect(path, plugins=[PLUGIN_NAME]) as db:
        meetings = await db.plugin("calendar", CalendarAPI).upcoming(args.hours)
    if args.json:
        emit_json(
            {
                "database": path,
                "hours": args.hours,
                "meetings": [_meeting_json(m) for m in meetings],
            }
        )
        return EXIT_OK
    if not meetings:
        emit(f"no meetings in the next {args.hours:g} hours")
    for meeting in meetings:
        emit(_meeting_line(meeting))
    return EXIT_OK


class Progress:
    """A status line on standard error, redrawn in place and shown only on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._enabled = stream.isatty()

    def show(self, text: str) -> None:
        if self._enabled:
            self._stream.write(f"\r\x1b[K{text}")
            self._stream.flush()

    def clear(self) -> None:
        if self._enabled:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


def _meeting_line(meeting: Meeting) -> str:
    when = meeting.start.isoformat() if meeting.all_day else f"{meeting.start:%Y-%m-%d %H:%M} UTC"
    others = len(meeting.attendees)
    where = f" @ {meeting.location}" if meeting.location else ""
    return f"{when}  {meeting.title}{where} ({others} attendee(s))"


def _meeting_json(meeting: Meeting) -> dict[str, Any]:
    return {
        "commitment_id": meeting.commitment_id,
        "title": meeting.title,
        "start": meeting.start.isoformat(),
        "end": None if meeting.end is None else meeting.end.isoformat(),
        "all_day": meeting.all_day,
        "status": meeting.status,
        "location": meeting.location,
        "meeting_url": meeting.meeting_url,
        "organizer_entity_id": meeting.organizer_entity_id,
        "attendees": [
            {
                "entity_id": attendee.entity_id,
                "name": attendee.name,
                "email": attendee.email,
                "response_status": attendee.response_status,
            }
            for attendee in meeting.attendees
        ],
    }
