"""Parse iCalendar (.ics) data into calendar events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from icalendar import Calendar, Component, Event

from ..._errors import CalendarParseError
from ._dedupe import Candidate, keep_latest
from ._expand import SeriesPart, events_of_uid
from ._ics_event import build_event, read_candidate
from ._ics_text import check_structure, decode_ics, describe_parser_failure, reject_json
from ._ics_zones import events_of, localize_calendar
from ._issues import NO_EVENTS, IssueLog
from ._model import CalendarEvent, ParsedCalendar
from ._window import Window, default_zone, resolve_window

# icalendar raises these on malformed input; each means the file cannot be parsed.
_PARSER_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def parse_ics(
    data: bytes,
    *,
    file: str,
    window_start: datetime | date | None = None,
    window_end: datetime | date | None = None,
    default_timezone: str = "UTC",
    source: str = "calendar",
    now: datetime | None = None,
) -> ParsedCalendar:
    """Parse the bytes of an .ics file into events, errors and warnings.

    Every VEVENT of every VCALENDAR in the data is read; a file of bare VEVENTs
    without a VCALENDAR is read too. A recurring event becomes one event per
    occurrence that starts inside [``window_start``, ``window_end``), each with its
    original start as ``recurrence_id``; EXDATE, RDATE and RECURRENCE-ID overrides
    are honoured, and at most 5,000 occurrences are kept per series. The window
    bounds recurrence expansion only: a non-recurring event, and an override whose
    series is not in the file, is imported whatever its date. Without a window, it
    runs from ``now`` minus 365 days to ``now`` plus 365 days, and ``now`` defaults
    to the current time. A date bound means midnight in ``default_timezone``. An old
    DTSTART is moved forward unless the series has COUNT or is monthly or yearly. A
    series is listed in ``errors`` instead when expanding it would still step through
    more than 100,000 occurrences before the window, or when more than 5,000 of its
    occurrences could overlap one instant.

    Floating times are read in the calendar's X-WR-TIMEZONE, else in
    ``default_timezone`` (an IANA name). ``source`` becomes each event's source,
    which with the UID and the recurrence id identifies the event across imports.
    An event without a UID gets ``derived-`` and the first 32 hex digits of the
    SHA-256 of its DTSTART (UTC text), SUMMARY and ORGANIZER, so that importing it
    again gives the same id. Of several copies of one (UID, RECURRENCE-ID), the
    highest SEQUENCE wins, then the later LAST-MODIFIED, the later DTSTAMP and the
    later position in the file, and each ignored copy is listed in ``warnings``.

    One bad event is listed in ``errors`` (file, event id, reason) and the others
    are imported. Empty data, or a VCALENDAR without any VEVENT, gives no events and
    the warning "no events found in the file". A series with no occurrence in the
    window gives a warning that names the window. Raises CalendarParseError when the
    file as a whole cannot be read (bad UTF-8 or NUL bytes with their offset, JSON, a
    truncated file, unbalanced BEGIN/END, a line that is not a content line, no
    VCALENDAR or VEVENT) and ValidationError for a bad argument. The message for a
    line that is not a content line quotes only its start: up to its first colon, at
    most 20 characters.
    """
    zone = default_zone(default_timezone)
    window = resolve_window(window_start, window_end, now, zone)
    text = decode_ics(data, file)
    issues = IssueLog(file)
    if not text.strip():
        issues.warning(None, NO_EVENTS)
        return issues.result(())
    reject_json(text, file)
    check_structure(text, file)

    candidates: list[Candidate] = []
    found = 0
    for parsed in _calendars(text, file):
        cancelled = str(parsed.get("METHOD", "")).strip().upper() == "CANCEL"
        calendar = localize_calendar(parsed, zone, issues)
        for event in events_of(calendar):
            found += 1
            candidate = read_candidate(event, len(candidates), cancelled, issues)
            if candidate is not None:
                candidates.append(candidate)
    if not found:
        issues.warning(None, NO_EVENTS)
    events = _events(keep_latest(candidates, issues), source, window, issues)
    return issues.result(events)


def _calendars(text: str, file: str) -> list[Component]:
    try:
        components = Component.from_ical(text, multiple=True)
    except _PARSER_ERRORS as error:
        reason = describe_parser_failure(text, error)
        raise CalendarParseError(reason, file=file) from None
    calendars: list[Component] = [
        component for component in components if isinstance(component, Calendar)
    ]
    bare_events = [component for component in components if isinstance(component, Event)]
    if bare_events:
        # Some exporters write VEVENTs without the VCALENDAR around them.
        wrapper = Calendar()
        for event in bare_events:
            wrapper.add_component(event)
        calendars.append(wrapper)
    if not calendars:
        raise CalendarParseError("the file has no VCALENDAR and no VEVENT", file=file)
    return calendars


def _events(
    candidates: Sequence[Candidate], source: str, window: Window, issues: IssueLog
) -> Iterable[CalendarEvent]:
    parts: dict[str, list[SeriesPart]] = {}
    bad_keys: dict[str, set[str]] = {}
    for candidate in candidates:
        event = build_event(candidate, source, issues)
        if event is None:
            if candidate.key:
                bad_keys.setdefault(candidate.uid, set()).add(candidate.key)
            continue
        part = SeriesPart(candidate.component, event, candidate.key, candidate.event_id)
        parts.setdefault(candidate.uid, []).append(part)
    for uid, uid_parts in parts.items():
        yield from events_of_uid(uid_parts, bad_keys.get(uid, set()), window, issues)
