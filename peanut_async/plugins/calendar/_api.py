"""The calendar plugin's API object: ingest, import and meeting queries."""

from __future__ import annotations

import functools
import logging
import math
import os
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

import anyio.to_thread

from ..._errors import NotFoundError, ValidationError
from ..._sqlite import translate
from ..._time import utc_now
from ._formats import detect_format
from ._model import CalendarEvent, ParsedCalendar
from ._store import BatchResult, BulkWriteError, ingest_batch
from ._store_queries import Meeting, complete_past_meetings, meetings_for_entity, upcoming
from ._store_report import EventOutcome, ImportIssue, ImportReport
from ._store_rows import PreparedEvent

if TYPE_CHECKING:
    from ..._database import Database

log = logging.getLogger(__name__)

Format = Literal["auto", "ics", "google"]
_FORMATS = ("auto", "ics", "google")
MAX_HOURS = 100 * 366 * 24
"""The maximum look-ahead of the meeting queries, in hours: 100 years."""
_OPEN = ("open",)
_OPEN_OR_CANCELLED = ("open", "cancelled")


class CalendarAPI:
    """Calendar ingest and meeting queries bound to one :class:`~peanut_async.Database`.

    Get it with ``db.plugin("calendar", CalendarAPI)``. Every write runs in one
    ``BEGIN IMMEDIATE`` transaction, so concurrent importers (other tasks or other
    processes) never create two people for one address.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    # Ingest ------------------------------------------------------------------------

    async def ingest_event(self, event: CalendarEvent) -> EventOutcome:
        """Store one event and return its commitment id and what changed.

        Raises :class:`~peanut_async.ValidationError` for an object that is not a
        CalendarEvent and :class:`~peanut_async.DatabaseError` when SQLite rejects the
        event. Nothing of the event is written then.
        """
        PreparedEvent(event)  # raises ValidationError before taking the write lock
        result = await self._ingest([event], None)
        if result.failures:
            error = result.failures[0]
            if isinstance(error, sqlite3.Error):
                raise translate(error, f"ingesting event {result.errors[0].event_id}") from error
            raise error
        return next(iter(result.outcomes.values()))

    async def ingest_events(self, events: Iterable[CalendarEvent]) -> ImportReport:
        """Store a batch of events in one transaction and report what changed.

        An event that cannot be stored is listed in the report's ``errors`` with its
        reason and leaves nothing behind, while the other events are stored. Of several
        events with one identity, the one with the highest SEQUENCE is kept.
        """
        result = await self._ingest(events, None)
        return result.to_report()

    async def _ingest(
        self, events: Iterable[CalendarEvent], file: str | None, source_file: str | None = None
    ) -> BatchResult:
        events = list(events)  # a retry reads them again
        bulk = functools.partial(ingest_batch, source_file=source_file)
        try:
            async with self._db.transaction():
                result = await self._db.run_sync(bulk, events, file)
        except BulkWriteError as error:
            # The transaction was rolled back, so nothing of the bulk pass remains.
            cause = type(error.__cause__).__name__
            log.info("%s (%s), so the events are written one at a time", error, cause)
            one_at_a_time = functools.partial(bulk, one_at_a_time=True)
            async with self._db.transaction():
                result = await self._db.run_sync(one_at_a_time, events, file)
        # A file import is worth a line at INFO, but single ingests can come by the
        # thousand. Only counts are logged, never names, addresses or titles.
        counts = result.counts
        log.log(
            logging.DEBUG if file is None else logging.INFO,
            "stored calendar events: %d created, %d updated, %d unchanged, %d cancelled, "
            "%d stale, %d rejected",
            counts.get("created", 0),
            counts.get("updated", 0),
            counts.get("unchanged", 0),
            counts.get("cancelled", 0),
            counts.get("stale", 0),
            len(result.errors),
        )
        return result

    # Import ------------------------------------------------------------------------

    async def import_file(
        self,
        path: str | os.PathLike[str],
        *,
        format: Format = "auto",  # shadows the builtin to match the --format option
        window_start: datetime | date | None = None,
        window_end: datetime | date | None = None,
        default_timezone: str = "UTC",
        source: str | None = None,
    ) -> ImportReport:
        """Parse a calendar file and store its events in one transaction.

        ``format`` is ``"ics"`` (iCalendar), ``"google"`` (Google Calendar API event
        JSON) or ``"auto"`` to tell them apart by the file name's extension, else by
        content. Recurring events are expanded into the occurrences that start between
        ``window_start`` and ``window_end``. Each bound left as None defaults to 365
        days before or after the current time, so by default only occurrences within
        a year of today are stored, and a series without any occurrence in the window
        gets a warning. A date bound means midnight in ``default_timezone``, the IANA
        zone that also applies to floating times. Events that do not recur are stored
        whatever their date.

        ``source`` names the calendar. An event's identity across imports is
        (source, UID or Google event id, recurrence id). So an event whose UID appears
        in two files imported with the same source is one event, and each import
        updates it. The report then has a warning that names both files. Give
        unrelated calendars their own ``source``. The default is the format, ``"ics"``
        or ``"google"``.

        Raises :class:`~peanut_async.CalendarParseError` when the file cannot be
        parsed at all (nothing is written) and :class:`OSError` when it cannot be
        read. Events the parser or the database rejects are listed in ``errors``.
        """
        file = os.fspath(path)
        data = await anyio.Path(file).read_bytes()
        return await self._import(
            data,
            file=file,
            source_file=os.path.abspath(file),
            format=format,
            window_start=window_start,
            window_end=window_end,
            default_timezone=default_timezone,
            source=source,
        )

    async def import_bytes(
        self,
        data: bytes,
        *,
        file: str = "<bytes>",
        format: Format = "auto",
        window_start: datetime | date | None = None,
        window_end: datetime | date | None = None,
        default_timezone: str = "UTC",
        source: str | None = None,
    ) -> ImportReport:
        """Parse calendar data held in memory and store its events, as :meth:`import_file` does.

        ``file`` names the data in errors and in the report, and is stored as the file
        the events came from.
        """
        return await self._import(
            data,
            file=file,
            source_file=file,
            format=format,
            window_start=window_start,
            window_end=window_end,
            default_timezone=default_timezone,
            source=source,
        )

    async def _import(
        self,
        data: bytes,
        *,
        file: str,
        source_file: str,
        format: Format,
        window_start: datetime | date | None,
        window_end: datetime | date | None,
        default_timezone: str,
        source: str | None,
    ) -> ImportReport:
        _check_import_options(data, format, source)
        parsed = await anyio.to_thread.run_sync(
            lambda: _parse(
                data,
                file=file,
                format=format,
                window_start=window_start,
                window_end=window_end,
                default_timezone=default_timezone,
                source=source,
            )
        )
        result = await self._ingest(parsed.events, file, source_file)
        report = result.to_report(files=(file,))
        return _with_parser_issues(report, parsed, file)

    # Queries -----------------------------------------------------------------------

    async def upcoming(
        self, hours: float = 24, *, include_cancelled: bool = False
    ) -> list[Meeting]:
        """Return the meetings that start within the next ``hours`` hours, earliest first.

        Cancelled meetings are left out unless ``include_cancelled``, and completed ones are
        always left out.
        """
        modifier = _hours_modifier("hours", hours)
        statuses = _OPEN_OR_CANCELLED if include_cancelled else _OPEN
        return await self._db.run_sync(upcoming, modifier, statuses, read_only=True)

    async def meetings_for_entity(
        self, entity_id: str, days: float = 7, *, include_cancelled: bool = False
    ) -> list[Meeting]:
        """Return the meetings of one person that start within the next ``days`` days.

        The person counts when they are a participant or the organizer. Each meeting's
        ``attendees`` are the other attendees, with names and response statuses.
        Raises :class:`~peanut_async.NotFoundError` when no entity has ``entity_id``.
        """
        modifier = _hours_modifier("days", days, scale=24)
        statuses = _OPEN_OR_CANCELLED if include_cancelled else _OPEN
        meetings = await self._db.run_sync(
            meetings_for_entity, entity_id, modifier, statuses, read_only=True
        )
        if meetings is None:
            raise NotFoundError("entity", entity_id)
        return meetings

    async def complete_past_meetings(self) -> int:
        """Mark every open meeting that has ended as completed and return how many.

        ``completed_at`` is set to the meeting's end.
        """
        async with self._db.transaction():
            count = await self._db.run_sync(complete_past_meetings)
        log.info("marked %d past meetings completed", count)
        return count


def _hours_modifier(field: str, value: float, *, scale: float = 1) -> str:
    # Returns a datetime() modifier such as '+24.000000 hours'. SQLite's dates end at
    # year 9999, so the span is capped at 100 years.
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
        or value * scale > MAX_HOURS
    ):
        limit = MAX_HOURS / scale
        raise ValidationError(field, value, f"a positive number of at most {limit:g}")
    return f"+{value * scale:f} hours"


def _check_import_options(data: object, format: str, source: str | None) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValidationError("data", data, "bytes")
    if format not in _FORMATS:
        raise ValidationError("format", format, "one of 'auto', 'ics', 'google'")
    if source is not None and (not isinstance(source, str) or not source):
        raise ValidationError("source", source, "a non-empty string or None")


def _parse(
    data: bytes,
    *,
    file: str,
    format: str,
    window_start: datetime | date | None,
    window_end: datetime | date | None,
    default_timezone: str,
    source: str | None,
) -> ParsedCalendar:
    kind = detect_format(data, file) if format == "auto" else format
    # The parsers are imported on first use because importing icalendar takes about
    # 0.2 s, which every command line call would pay otherwise.
    parser: Callable[..., ParsedCalendar]
    if kind == "google":
        from ._google import parse_google as parser  # noqa: PLC0415
    else:
        from ._ics import parse_ics as parser  # noqa: PLC0415
    return parser(
        bytes(data),
        file=file,
        window_start=window_start,
        window_end=window_end,
        default_timezone=default_timezone,
        source=source or kind,
        now=utc_now(),
    )


def _with_parser_issues(report: ImportReport, parsed: ParsedCalendar, file: str) -> ImportReport:
    errors = tuple(ImportIssue(file, issue.event_id, issue.reason) for issue in parsed.errors)
    warnings = tuple(ImportIssue(file, issue.event_id, issue.reason) for issue in parsed.warnings)
    return ImportReport(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        cancelled=report.cancelled,
        stale=report.stale,
        errors=errors + report.errors,
        warnings=warnings + report.warnings,
        files=report.files,
    )
