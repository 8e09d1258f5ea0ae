"""Read one Google Calendar API event resource into a dedupe candidate and an event.

Field reference: https://developers.google.com/calendar/api/v3/reference/events.
The event's ``id`` is its source id, not ``iCalUID``: ``id`` is unique within the
calendar, while all instances of a recurring event share one ``iCalUID``. An
instance (a resource with ``recurringEventId``) belongs to its series: its identity
is (``recurringEventId``, ``originalStartTime``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from icalendar import Event

from ..._errors import ValidationError
from ..._time import to_db_time
from ._dedupe import Candidate
from ._expand import recurrence_key, recurrence_value
from ._google_times import GoogleTimes, ItemError, read_times, recurrence_component
from ._issues import IssueLog
from ._meeting_url import absolute_http_url, find_meeting_link
from ._model import Attendee, CalendarEvent, EventStatus, ResponseStatus, normalize_email

_STATUSES: dict[str, EventStatus] = {
    "confirmed": "confirmed",
    "tentative": "tentative",
    "cancelled": "cancelled",
}
_RESPONSES: dict[str, ResponseStatus] = {
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "tentative",
    "needsAction": "needsAction",
}


def read_item(
    item: Mapping[str, Any],
    position: int,
    zone: zoneinfo.ZoneInfo,
    source: str,
    issues: IssueLog,
) -> tuple[Candidate, CalendarEvent]:
    """Return the dedupe candidate and the event of one resource.

    ``zone`` is the calendar's time zone, used when the resource names none.
    Raises ItemError (or ValidationError from the model) when it cannot be imported.
    """
    uid = _source_id(item)
    times = read_times(item, zone, uid, issues)
    if "recurringEventId" in item and times.original_start is None:
        raise ItemError("the instance has recurringEventId but no originalStartTime")
    event_id = uid
    recurrence_id: datetime | date | None = None
    key = ""
    if times.original_start is not None:
        recurrence_id = recurrence_value(
            times.original_start, not isinstance(times.start, datetime)
        )
        key = recurrence_key(recurrence_id)
        event_id = f"{uid} (recurrence {key})"
    sequence = _sequence(item, event_id, issues)
    event = _event(
        item,
        uid,
        times,
        recurrence_id=recurrence_id,
        sequence=sequence,
        source=source,
        event_id=event_id,
        issues=issues,
    )
    component = _component(item, uid, times, sequence=sequence, event_id=event_id, issues=issues)
    rank = (sequence, _updated(item), "", position)
    candidate = Candidate(component, uid, key, recurrence_id, sequence, rank, False, event_id)
    return candidate, event


def _source_id(item: Mapping[str, Any]) -> str:
    for field in ("recurringEventId", "id"):
        value = item.get(field)
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise ItemError(f"{field} must be a non-empty string, got {value!r}")
            return value.strip()
    raise ItemError("the event has no id")


def _event(
    item: Mapping[str, Any],
    uid: str,
    times: GoogleTimes,
    *,
    recurrence_id: datetime | date | None,
    sequence: int,
    source: str,
    event_id: str,
    issues: IssueLog,
) -> CalendarEvent:
    organizer = item.get("organizer")
    organizer_email = organizer_name = None
    if isinstance(organizer, Mapping):
        organizer_email = normalize_email(organizer.get("email"))
        if organizer_email is None and organizer.get("email") is not None:
            issues.warning(
                event_id,
                f"organizer email {organizer.get('email')!r} is not an e-mail address; "
                "the event has no organizer",
            )
        organizer_name = _text(organizer, "displayName") if organizer_email else None
    description, location = _text(item, "description"), _text(item, "location")
    return CalendarEvent(
        uid,
        times.start,
        times.end,
        title=_text(item, "summary") or "",
        description=description,
        attendees=_attendees(item, event_id, issues),
        location=location,
        organizer_email=organizer_email,
        organizer_name=organizer_name,
        status=_status(item, event_id, issues),
        recurrence_id=recurrence_id,
        sequence=sequence,
        meeting_url=_meeting_url(item) or find_meeting_link(location, description),
        source=source,
    )


def _component(
    item: Mapping[str, Any],
    uid: str,
    times: GoogleTimes,
    *,
    sequence: int,
    event_id: str,
    issues: IssueLog,
) -> Event:
    """Return the VEVENT that recurring-ical-events expands for this resource."""
    lines = item.get("recurrence") or []
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ItemError(f"recurrence must be a list of strings, got {lines!r}")
    component = recurrence_component(lines, times.zone, event_id, issues)
    component.add("UID", uid)
    component.add("SEQUENCE", sequence)
    component.add("DTSTART", times.start)
    if times.end is not None:
        component.add("DTEND", times.end)
    if times.original_start is not None:
        component.add("RECURRENCE-ID", times.original_start)
    return component


def _attendees(item: Mapping[str, Any], event_id: str, issues: IssueLog) -> list[Attendee]:
    entries = item.get("attendees") or []
    if not isinstance(entries, list):
        raise ItemError(f"attendees must be a list, got {entries!r}")
    if item.get("attendeesOmitted") is True:
        issues.warning(event_id, "Google left some attendees out of this event (attendeesOmitted)")
    attendees = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            issues.warning(event_id, f"attendee {entry!r} is not an object; it was skipped")
            continue
        if entry.get("resource") is True:
            continue  # a room or other resource, not a person
        email = normalize_email(entry.get("email"))
        if email is None:
            issues.warning(
                event_id, f"attendee email {entry.get('email')!r} is not an e-mail address; skipped"
            )
            continue
        attendees.append(
            Attendee(email, _text(entry, "displayName"), _response(entry, email, event_id, issues))
        )
    return attendees


def _response(
    entry: Mapping[str, Any], email: str, event_id: str, issues: IssueLog
) -> ResponseStatus:
    value = entry.get("responseStatus")
    if value is None:
        return "needsAction"
    status = _RESPONSES.get(value) if isinstance(value, str) else None
    if status is None:
        issues.warning(
            event_id,
            f"attendee {email} has an unknown responseStatus {value!r}; read as needsAction",
        )
        return "needsAction"
    return status


def _status(item: Mapping[str, Any], event_id: str, issues: IssueLog) -> EventStatus:
    value = item.get("status")
    if value is None:
        return "confirmed"
    status = _STATUSES.get(value) if isinstance(value, str) else None
    if status is None:
        issues.warning(event_id, f"unknown status {value!r}; read as confirmed")
        return "confirmed"
    return status


def _meeting_url(item: Mapping[str, Any]) -> str | None:
    conference = item.get("conferenceData")
    if isinstance(conference, Mapping):
        for entry in conference.get("entryPoints") or []:
            if isinstance(entry, Mapping) and entry.get("entryPointType") == "video":
                url = absolute_http_url(_text(entry, "uri"))
                if url is not None:
                    return url
    return absolute_http_url(_text(item, "hangoutLink"))


_MAX_SEQUENCE = 2**31 - 1


def _sequence(item: Mapping[str, Any], event_id: str, issues: IssueLog) -> int:
    value = item.get("sequence", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        issues.warning(event_id, f"sequence {value!r} is not an integer of 0 or more; read as 0")
        return 0
    if value > _MAX_SEQUENCE:
        # iCalendar's SEQUENCE is a 32-bit integer; icalendar rejects anything larger.
        raise ValidationError("sequence", value, f"an integer of at most {_MAX_SEQUENCE}")
    return value


def _updated(item: Mapping[str, Any]) -> str:
    value = item.get("updated")
    if not isinstance(value, str):
        return ""
    try:
        updated = datetime.fromisoformat(value)
    except ValueError:
        return ""
    return to_db_time(updated) if updated.tzinfo is not None else ""


def _text(item: Mapping[str, Any], field: str) -> str | None:
    value = item.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, value, "a string")
    return value or None
