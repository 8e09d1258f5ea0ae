"""Give every date-time of a calendar's events a time zone, before recurrence expansion.

Order of the passes: TZID parameters first, then X-WR-TIMEZONE (through
``x_wr_timezone.to_standard``, which reads UTC and floating times in the calendar's
zone without moving any instant), then the caller's default zone for the floating
times that remain. Afterwards every date-time is aware and dates stay dates.

A TZID resolves, in this order, to the IANA zone of that name, to the IANA zone that
icalendar's Windows-to-Olson table gives for a Windows name (``Eastern Standard
Time``), or to the calendar's own VTIMEZONE of that TZID. Windows names go to IANA
even when the file defines them, because Exchange writes only the current rule (from
1601) and some files define a Windows name with rules of another zone. A TZID that
resolves to nothing is read as floating, with a warning.

A zone attached by ``datetime.replace(tzinfo=...)`` has ``fold=0``. For a zoneinfo
zone that is what RFC 5545 section 3.3.5 requires: a local time in a DST gap is moved
forward by the length of the gap, and an ambiguous local time means its first
occurrence. A zone built from a VTIMEZONE resolves gaps the other way, so
CalendarEvent applies the RFC rule when it converts a time to UTC.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from datetime import datetime, tzinfo
from functools import partial
from typing import Any

import x_wr_timezone
from icalendar import Component, Event, Timezone
from icalendar.prop import vDDDLists, vDDDTypes
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ._issues import IssueLog

Convert = Callable[[datetime, str | None], datetime]

_SINGLE_TIMES = ("DTSTART", "DTEND", "RECURRENCE-ID")
_TIME_LISTS = ("EXDATE", "RDATE")
_ZONE_ERRORS = (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError)


def zone_by_name(name: str) -> zoneinfo.ZoneInfo | None:
    """Return the IANA zone for an IANA or Windows zone name, or None."""
    name = name.strip()
    for candidate in (name, WINDOWS_TO_OLSON.get(name)):
        if not candidate:
            continue
        try:
            return zoneinfo.ZoneInfo(candidate)
        except _ZONE_ERRORS:
            continue
    return None


class ZoneResolver:
    """Resolve the TZIDs used in one calendar; unknown ones are warned about once."""

    def __init__(self, calendar: Component, issues: IssueLog, floating_zone: str) -> None:
        self._definitions = {
            str(component["TZID"]).strip(): component
            for component in calendar.subcomponents
            if isinstance(component, Timezone) and "TZID" in component
        }
        self._issues = issues
        self._floating_zone = floating_zone
        self._cache: dict[str, tzinfo | None] = {}

    def resolve(self, tzid: str) -> tzinfo | None:
        """Return the zone for ``tzid``, or None when nothing defines it."""
        if tzid not in self._cache:
            self._cache[tzid] = zone_by_name(tzid) or self._from_definition(tzid)
        return self._cache[tzid]

    def relocalize(self, value: datetime, tzid: str | None, event_id: str | None) -> datetime:
        """Return ``value`` with the zone its TZID names; without a TZID, unchanged."""
        if tzid is None:
            return value
        wall_time = value.replace(tzinfo=None)
        zone = self.resolve(tzid)
        if zone is not None:
            return wall_time.replace(tzinfo=zone)
        self._issues.warning_once(
            f"tzid:{tzid}",
            event_id,
            f"time zone {tzid!r} is not defined in the file and is not a known IANA or "
            f"Windows zone name; its times were read as local times in {self._floating_zone}",
        )
        return wall_time

    def _from_definition(self, tzid: str) -> tzinfo | None:
        definition = self._definitions.get(tzid.strip())
        if definition is None:
            return None
        try:
            # lookup_tzid=False builds the zone from this file's definition; icalendar's
            # process-wide cache could hold another file's zone of the same name.
            zone: tzinfo = definition.to_tz(lookup_tzid=False)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            self._issues.warning_once(
                f"vtimezone:{tzid}",
                None,
                f"the VTIMEZONE {tzid!r} could not be read ({error}); times in it are "
                f"read as local times in {self._floating_zone}",
            )
            return None
        return zone


def localize_calendar(
    calendar: Component, default_zone: zoneinfo.ZoneInfo, issues: IssueLog
) -> Component:
    """Return the calendar with an aware datetime wherever its events had a date-time."""
    floating_zone = _calendar_zone(calendar, issues)
    zone_name = floating_zone.key if floating_zone is not None else default_zone.key
    resolver = ZoneResolver(calendar, issues, zone_name)
    for event in events_of(calendar):
        map_event_times(event, partial(resolver.relocalize, event_id=_uid(event)))
    if floating_zone is not None:
        calendar = x_wr_timezone.to_standard(calendar, timezone=floating_zone)
    for event in events_of(calendar):
        map_event_times(event, lambda value, _tzid: _with_zone(value, default_zone))
    return calendar


def events_of(calendar: Component) -> Iterator[Event]:
    """Yield the VEVENTs directly inside ``calendar`` (not nested deeper)."""
    for component in calendar.subcomponents:
        if isinstance(component, Event):
            yield component


def map_event_times(event: Event, convert: Convert) -> None:
    """Replace each date-time of the event's DTSTART, DTEND, RECURRENCE-ID, EXDATE and
    RDATE by ``convert(value, tzid)``; dates and broken values stay as they are."""
    for name in _SINGLE_TIMES:
        value = event.get(name)
        if isinstance(value, vDDDTypes):
            event[name] = _map_single(value, convert)
    for name in _TIME_LISTS:
        value = event.get(name)
        if isinstance(value, list):
            event[name] = [_map_list(item, convert) for item in value]
        elif isinstance(value, vDDDLists):
            event[name] = _map_list(value, convert)


def _map_single(value: vDDDTypes, convert: Convert) -> vDDDTypes:
    tzid = value.params.get("TZID")
    mapped = _map_time(value.dt, tzid, convert)
    if mapped is value.dt:
        return value
    result = vDDDTypes(mapped)
    for key, parameter in value.params.items():
        if key != "TZID":
            result.params[key] = parameter
    return result


def _map_list(value: Any, convert: Convert) -> Any:
    if not isinstance(value, vDDDLists):
        return value
    tzid = value.params.get("TZID")
    times = [_map_time(item.dt, item.params.get("TZID", tzid), convert) for item in value.dts]
    params = {key: parameter for key, parameter in value.params.items() if key != "TZID"}
    return vDDDLists(times, params=params)


def _map_time(value: Any, tzid: str | None, convert: Convert) -> Any:
    if isinstance(value, datetime):
        return convert(value, tzid)
    if isinstance(value, tuple):  # a PERIOD: (start, end or duration)
        return tuple(_map_time(part, tzid, convert) for part in value)
    return value


def _with_zone(value: datetime, zone: tzinfo) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _calendar_zone(calendar: Component, issues: IssueLog) -> zoneinfo.ZoneInfo | None:
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return None
    zone = zone_by_name(str(name))
    if zone is None:
        issues.warning(
            None,
            f"X-WR-TIMEZONE {str(name)!r} is not a known time zone and was ignored; "
            "floating times were read in the default time zone",
        )
    return zone


def _uid(event: Event) -> str | None:
    uid = event.get("UID")
    return str(uid) if uid is not None else None
