"""The ``peanut-async calendar`` commands: ``import`` and ``upcoming``."""

from __future__ import annotations

import argparse
import sys
import zoneinfo
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..._cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    add_common_options,
    emit,
    emit_json,
    fail,
    resolve_db,
)
from ..._connect import connect
from ..._errors import CalendarParseError
from ._api import CalendarAPI
from ._store_queries import Meeting
from ._store_report import ImportIssue, ImportReport, combine_reports
from ._window import default_zone

# The commands load only this plugin, so a broken third-party plugin cannot stop an
# import, and no other plugin's migrations run as a side effect.
PLUGIN_NAME = "calendar"

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register_commands(commands: Subparsers) -> None:
    """Add ``calendar import`` and ``calendar upcoming`` to the command line."""
    calendar = commands.add_parser("calendar", help="import calendars and list meetings")
    subcommands = calendar.add_subparsers(dest="calendar_command", metavar="COMMAND", required=True)

    importer = subcommands.add_parser(
        "import",
        help="import .ics files or Google Calendar API JSON",
        description="Import each FILE in its own transaction. Exit status: 0 when everything "
        "was imported, 3 when some events or files were rejected (each is listed) and the "
        "rest imported, 1 on failure.",
    )
    importer.add_argument("files", nargs="+", type=Path, metavar="FILE", help="calendar file")
    importer.add_argument(
        "--format",
        choices=("auto", "ics", "google"),
        default="auto",
        help="input format (default: auto, detected from each file's content)",
    )
    importer.add_argument(
        "--from",
        dest="window_start",
        type=_window_bound,
        metavar="DATE",
        help="expand recurring events from this date or date-time: YYYY-MM-DD or ISO 8601, "
        "where a date-time without offset is in --timezone",
    )
    importer.add_argument(
        "--to",
        dest="window_end",
        type=_window_bound,
        metavar="DATE",
        help="expand recurring events until this date or date-time (same forms as --from)",
    )
    importer.add_argument(
        "--timezone",
        default="UTC",
        metavar="ZONE",
        help="IANA time zone of floating times, such as Europe/Berlin (default: UTC)",
    )
    importer.add_argument(
        "--source",
        default=None,
        help="calendar name that identifies events across imports (default: the format, "
        "ics or google)",
    )
    add_common_options(importer)
    importer.set_defaults(handler=import_command)

    upcoming = subcommands.add_parser("upcoming", help="list meetings starting soon")
    upcoming.add_argument(
        "--hours", type=float, default=24.0, metavar="N", help="look ahead N hours (default: 24)"
    )
    add_common_options(upcoming)
    upcoming.set_defaults(handler=upcoming_command)


async def import_command(args: argparse.Namespace) -> int:
    """Import every file, print a summary and return the exit status."""
    zone = default_zone(args.timezone)
    window_start = _aware(args.window_start, zone)
    window_end = _aware(args.window_end, zone)
    path = resolve_db(args, create_parent=True)
    progress = Progress(sys.stderr)
    reports: list[ImportReport] = []
    rejected_files: list[ImportIssue] = []

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
                    rejected_files.append(ImportIssue(str(file), None, error.reason))
                    continue
                except OSError as error:
                    reason = error.strerror or str(error)
                    rejected_files.append(ImportIssue(str(file), None, reason))
                    continue
                reports.append(report)
    finally:
        progress.clear()

    total = combine_reports(reports)
    errors = (*rejected_files, *total.errors)
    if args.json:
        payload = total.to_dict()
        payload["database"] = path
        payload["errors"] = [issue.to_dict() for issue in errors]
        payload["rejected_files"] = [issue.file for issue in rejected_files]
        emit_json(payload)
    else:
        _print_summary(path, total, errors, verbose=args.verbose > 0)
    if not reports:
        return EXIT_FAILED
    return EXIT_PARTIAL if errors else EXIT_OK


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


def _print_summary(
    path: str, total: ImportReport, errors: tuple[ImportIssue, ...], *, verbose: bool
) -> None:
    emit(
        f"imported {len(total.files)} file(s) into {path}: {total.created} created, "
        f"{total.updated} updated, {total.unchanged} unchanged, {total.cancelled} cancelled, "
        f"{total.stale} stale; {len(errors)} rejected, {len(total.warnings)} warning(s)"
    )
    if errors:
        emit("rejected:")
        for issue in errors:
            emit(f"  {issue.describe()}")
    if total.warnings and verbose:
        emit("warnings:")
        for issue in total.warnings:
            emit(f"  {issue.describe()}")


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


def _window_bound(text: str) -> date | datetime:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}; use YYYY-MM-DD or an ISO 8601 date-time "
            "such as 2025-01-31T09:00"
        ) from None


def _aware(value: date | datetime | None, zone: zoneinfo.ZoneInfo) -> date | datetime | None:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value
