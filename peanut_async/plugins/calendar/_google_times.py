"""Read the times and recurrence lines of a Google Calendar API event resource."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs
from icalendar import Component, Event

from ._ics_zones import map_event_times, zone_by_name
from ._issues import IssueLog

# Google sends these iCalendar lines in ``recurrence``; EXRULE is deprecated by
# RFC 5545 and recurring-ical-events does not apply it.
_RECURRENCE_PROPERTIES = frozenset({"RRULE", "RDATE", "EXDATE"})
_PARSER_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


class ItemError(ValueError):
    """An event resource that cannot be imported; the message gives the reason."""


@attrs.frozen
class GoogleTimes:
    """An event's start, end and original start, and the zone it recurs in."""

    start: datetime | date
    end: datetime | date | None
    original_start: datetime | date | None
    zone: zoneinfo.ZoneInfo


def read_times(
    item: Mapping[str, Any], calendar_zone: zoneinfo.ZoneInfo, event_id: str, issues: IssueLog
) -> GoogleTimes:
    """Return the resource's times; a date-time is expressed in the event's zone.

    The zone is ``start.timeZone``, else the calendar's. A cancelled instance may come
    without ``start``; its ``originalStartTime`` is its start then.
    """
    start_field = item.get("start")
    zone = _zone(start_field, calendar_zone, event_id, issues)
    original = item.get("originalStartTime")
    original_start = None if original is None else _time(original, "originalStartTime", zone)
    if start_field is None:
        if original_start is None or item.get("status") != "cancelled":
            raise ItemError("the event has no start")
        return GoogleTimes(original_start, None, original_start, zone)
    start = _time(start_field, "start", zone)
    end_field = item.get("end")
    end = None if end_field is None else _time(end_field, "end", zone)
    return GoogleTimes(start, end, original_start, zone)


def recurrence_component(
    lines: Sequence[str], zone: zoneinfo.ZoneInfo, event_id: str, issues: IssueLog
) -> Event:
    """Return a VEVENT holding the RRULE, RDATE and EXDATE lines of ``recurrence``.

    icalendar parses the lines; their date-times are read in ``zone`` unless a line
    names a TZID. Raises ItemError for a line that cannot be parsed.
    """
    kept = []
    for line in lines:
        if "\r" in line or "\n" in line:
            raise ItemError(f"recurrence line {line!r} contains a line break")
        name = line.split(":", 1)[0].split(";", 1)[0].strip().upper()
        if name in _RECURRENCE_PROPERTIES:
            kept.append(line)
        else:
            issues.warning(
                event_id, f"recurrence line {line!r} is not RRULE, RDATE or EXDATE; ignored"
            )
    text = "BEGIN:VEVENT\r\n" + "".join(line + "\r\n" for line in kept) + "END:VEVENT\r\n"
    try:
        component = Component.from_ical(text)
    except _PARSER_ERRORS as error:
        raise ItemError(f"recurrence could not be parsed: {error}") from error
    if not isinstance(component, Event):
        raise ItemError(f"recurrence could not be parsed into an event: {lines!r}")
    if component.errors:
        property_name, message = component.errors[0]
        raise ItemError(f"recurrence line {property_name} has an invalid value: {message}")
    map_event_times(component, lambda value, tzid: _in_zone(value, tzid, zone, event_id, issues))
    return component


def _in_zone(
    value: datetime, tzid: str | None, zone: zoneinfo.ZoneInfo, event_id: str, issues: IssueLog
) -> datetime:
    wall_time = value.replace(tzinfo=None)
    if tzid is not None:
        named = zone_by_name(tzid)
        if named is not None:
            return wall_time.replace(tzinfo=named)
        issues.warning(event_id, f"recurrence time zone {tzid!r} is unknown; read in {zone.key}")
        return wall_time.replace(tzinfo=zone)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _zone(
    start: object, calendar_zone: zoneinfo.ZoneInfo, event_id: str, issues: IssueLog
) -> zoneinfo.ZoneInfo:
    name = start.get("timeZone") if isinstance(start, Mapping) else None
    if name is None:
        return calendar_zone
    zone = zone_by_name(name) if isinstance(name, str) else None
    if zone is None:
        issues.warning(
            event_id, f"start.timeZone {name!r} is not a known time zone; used {calendar_zone.key}"
        )
        return calendar_zone
    return zone


def _time(value: object, field: str, zone: zoneinfo.ZoneInfo) -> datetime | date:
    if not isinstance(value, Mapping):
        raise ItemError(f"{field} must be an object with dateTime or date, got {value!r}")
    if value.get("dateTime") is not None:
        return _date_time(value["dateTime"], field, zone)
    if value.get("date") is not None:
        text = value["date"]
        try:
            if not isinstance(text, str):
                raise TypeError(text)
            return date.fromisoformat(text)
        except (TypeError, ValueError):
            raise ItemError(
                f"{field}.date must be a date like '2026-01-31', got {text!r}"
            ) from None
    raise ItemError(f"{field} has neither dateTime nor date")


def _date_time(text: object, field: str, zone: zoneinfo.ZoneInfo) -> datetime:
    try:
        if not isinstance(text, str):
            raise TypeError(text)
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ItemError(
            f"{field}.dateTime must be an RFC 3339 date-time like '2026-01-31T09:00:00Z', "
            f"got {text!r}"
        ) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    # The recurrence library expands a series in the zone of its start, so a start
    # given with a bare offset is moved into the event's named zone.
    return value.astimezone(zone)
