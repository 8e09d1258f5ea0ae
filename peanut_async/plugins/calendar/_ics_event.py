"""Read one VEVENT (with aware date-times) into a dedupe candidate and then an event."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Event
from icalendar.prop import vDDDTypes

from ..._errors import ValidationError
from ..._time import to_db_time
from ._dedupe import Candidate
from ._expand import recurrence_key, recurrence_value, rrule_text
from ._ics_people import read_people
from ._issues import IssueLog
from ._meeting_url import absolute_http_url, find_meeting_link
from ._model import CalendarEvent, EventStatus

# A bad value in one of these leaves the event's times unknown, so the event is
# rejected. A bad value in any other property is skipped with a warning.
_TIME_PROPERTIES = frozenset(
    {"DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE"}
)
_CONFERENCE_PROPERTIES = ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL", "URL")
_STATUSES: dict[str, EventStatus] = {
    "CONFIRMED": "confirmed",
    "TENTATIVE": "tentative",
    "CANCELLED": "cancelled",
}


def read_candidate(
    event: Event, position: int, cancelled: bool, issues: IssueLog
) -> Candidate | None:
    """Return the event's identity and rank, or None (with an error) when its
    RECURRENCE-ID cannot be read. ``cancelled`` is true under METHOD:CANCEL."""
    uid = _uid(event, issues)
    recurrence_id: datetime | date | None = None
    key = ""
    event_id = uid
    if "RECURRENCE-ID" in event:
        value = _time(event.get("RECURRENCE-ID"))
        if value is None:
            issues.error(
                uid, f"RECURRENCE-ID has an invalid value: {_error_of(event, 'RECURRENCE-ID')}"
            )
            return None
        start = _time(event.get("DTSTART"))
        all_day = not isinstance(start if start is not None else value, datetime)
        recurrence_id = recurrence_value(value, all_day)
        key = recurrence_key(recurrence_id)
        event_id = f"{uid} (recurrence {key})"
    sequence = _sequence(event, event_id, issues)
    rank = (sequence, _stamp(event, "LAST-MODIFIED"), _stamp(event, "DTSTAMP"), position)
    return Candidate(event, uid, key, recurrence_id, sequence, rank, cancelled, event_id)


def build_event(candidate: Candidate, source: str, issues: IssueLog) -> CalendarEvent | None:
    """Return the event a candidate describes, or None after recording why not."""
    event, event_id = candidate.component, candidate.event_id
    if not _report_parse_problems(event, event_id, issues):
        return None
    start = _time(event.get("DTSTART"))
    if start is None:
        if "DTSTART" in event:
            issues.error(event_id, "the event's DTSTART could not be read as one date or date-time")
        else:
            issues.error(event_id, "the event has no DTSTART")
        return None
    try:
        end = _end(event, start, event_id, issues)
        people = read_people(event, event_id, issues)
        description, location = _text(event, "DESCRIPTION"), _text(event, "LOCATION")
        return CalendarEvent(
            candidate.uid,
            start,
            end,
            title=_text(event, "SUMMARY") or "",
            description=description,
            attendees=people.attendees,
            location=location,
            organizer_email=people.organizer_email,
            organizer_name=people.organizer_name,
            status=_status(event, candidate.cancelled, event_id, issues),
            recurrence_id=candidate.recurrence_id,
            sequence=candidate.sequence,
            meeting_url=_meeting_url(event, location, description),
            recurrence_rule=rrule_text(event),
            source=source,
        )
    except ValidationError as error:
        issues.error(event_id, str(error))
        return None


def _report_parse_problems(event: Event, event_id: str, issues: IssueLog) -> bool:
    """Surface the problems icalendar recorded instead of raising; False rejects the event."""
    for name, message in event.errors:
        if name in _TIME_PROPERTIES:
            issues.error(event_id, f"{name} has an invalid value: {message}")
            return False
    for component in (event, *event.walk()[1:]):
        for name, message in component.errors:
            where = f"{name} in {component.name}" if component is not event else name
            issues.warning(
                event_id,
                f"{where or 'a content line'} could not be read and was ignored: {message}",
            )
    return True


def _end(
    event: Event, start: datetime | date, event_id: str, issues: IssueLog
) -> datetime | date | None:
    duration = event.get("DURATION")
    if "DTEND" in event:
        end = _time(event.get("DTEND"))
        if end is None:
            raise ValidationError("DTEND", str(event.get("DTEND")), "one date or date-time")
        if duration is not None:
            issues.warning(event_id, "the event has both DTEND and DURATION; used DTEND")
        return end
    if duration is None:
        return None
    length = getattr(duration, "dt", None)
    if not isinstance(length, timedelta):
        raise ValidationError("DURATION", str(duration), "one duration such as PT1H")
    if not isinstance(start, datetime) and length % timedelta(days=1):
        raise ValidationError(
            "DURATION", duration.to_ical().decode(), "whole days for an all-day event"
        )
    # Aware datetime arithmetic keeps the wall-clock time, as recurring-ical-events
    # does for occurrences, so P1D ends at the same local time on the next day.
    try:
        return start + length
    except OverflowError:
        raise ValidationError(
            "DURATION", duration.to_ical().decode(), "a duration ending before year 10000"
        ) from None


def _status(event: Event, cancelled: bool, event_id: str, issues: IssueLog) -> EventStatus:
    text = str(event.get("STATUS", "")).strip().upper()
    if cancelled:
        return "cancelled"
    if not text:
        return "confirmed"
    status = _STATUSES.get(text)
    if status is None:
        issues.warning(event_id, f"unknown STATUS {text!r}; read as confirmed")
        return "confirmed"
    return status


def _meeting_url(event: Event, location: str | None, description: str | None) -> str | None:
    for name in _CONFERENCE_PROPERTIES:
        url = absolute_http_url(_text(event, name))
        if url is not None:
            return url
    return find_meeting_link(location, description)


def _uid(event: Event, issues: IssueLog) -> str:
    uid = _text(event, "UID")
    if uid:
        return uid.strip()
    start = _time(event.get("DTSTART"))
    parts = (
        "" if start is None else to_db_time(start),
        _text(event, "SUMMARY") or "",
        str(event.get("ORGANIZER", "")),
    )
    derived = "derived-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    issues.warning(
        derived,
        "the event has no UID; it was given an id derived from its DTSTART, SUMMARY and "
        "ORGANIZER, so the same event gets the same id on every import",
    )
    return derived


def _sequence(event: Event, event_id: str, issues: IssueLog) -> int:
    value = event.get("SEQUENCE")
    if value is None:
        return 0
    try:
        sequence = int(value)
    except (TypeError, ValueError):
        return 0  # icalendar recorded the bad value; it is reported with the event
    if sequence < 0:
        issues.warning(event_id, f"SEQUENCE {sequence} is negative; read as 0")
        return 0
    return sequence


def _stamp(event: Event, name: str) -> str:
    value = _time(event.get(name))
    if isinstance(value, datetime) and value.tzinfo is not None:
        return to_db_time(value)
    return ""


def _time(value: Any) -> datetime | date | None:
    if isinstance(value, vDDDTypes) and isinstance(value.dt, date):
        dt: datetime | date = value.dt
        return dt
    return None


def _text(event: Event, name: str) -> str | None:
    value = event.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    return str(value) or None


def _error_of(event: Event, name: str) -> str:
    for error_name, message in event.errors:
        if error_name == name:
            return str(message)
    return repr(str(event.get(name)))
