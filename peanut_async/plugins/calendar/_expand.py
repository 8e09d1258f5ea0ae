"""Turn the components of one UID into events: a single event, or the occurrences of a
recurring series inside the window, expanded by recurring-ical-events.

Both parsers feed this module VEVENT components whose date-times are already aware,
each with the CalendarEvent it becomes (its prototype). An occurrence is its
prototype with the occurrence's start, end and recurrence id; an occurrence that an
override replaces is the override's prototype.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import recurring_ical_events
from icalendar import Calendar, Event

from ..._time import to_db_time
from ._expand_limits import ExpansionLimitError, plan_expansion, value_of
from ._issues import IssueLog
from ._model import CalendarEvent, event_time
from ._window import MAX_OCCURRENCES_PER_SERIES, Window

log = logging.getLogger(__name__)

# Expansion runs over chunks of the window that double in length, so that a series
# with very many occurrences stops at the cap after querying little more than needed.
# The plan of each series also caps the length, so that one query of a dense series
# builds at most about CHUNK_OCCURRENCES occurrences.
_FIRST_CHUNK = timedelta(days=1)
_EXPANSION_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


@attrs.frozen
class SeriesPart:
    """One component of a series: the master (``key`` ``""``) or an override."""

    component: Event
    event: CalendarEvent
    key: str
    event_id: str


def recurrence_value(value: datetime | date, all_day: bool) -> datetime | date:
    """Return a RECURRENCE-ID as the series' kind of value.

    Exchange writes a date-time RECURRENCE-ID (local midnight) for an occurrence of
    an all-day series; its local date is the occurrence it means.
    """
    if all_day and isinstance(value, datetime):
        return value.date()
    return value


def recurrence_key(value: datetime | date) -> str:
    """Return the canonical text of a recurrence id (UTC instant or date), the same
    text as the recurrence part of :attr:`CalendarEvent.identity`."""
    return to_db_time(event_time("recurrence_id", value))


def is_recurring(component: Event) -> bool:
    """Return whether the component has an RRULE or RDATE, so it describes a series."""
    return "RRULE" in component or "RDATE" in component


def rrule_text(component: Event) -> str | None:
    """Return the component's RRULE text; several RRULE lines are joined by newlines."""
    value = component.get("RRULE")
    if value is None:
        return None
    rules = value if isinstance(value, list) else [value]
    return "\n".join(rule.to_ical().decode() for rule in rules)


def events_of_uid(
    parts: Iterable[SeriesPart], bad_keys: Collection[str], window: Window, issues: IssueLog
) -> list[CalendarEvent]:
    """Return the events of one UID's parts.

    Overrides without a master and single events are returned as they are, whatever
    their date. A series (a master with RRULE or RDATE, or with overrides) yields its
    occurrences that start inside the window. ``bad_keys`` are recurrence keys of
    overrides that were rejected: their occurrences are left out rather than shown
    with the master's data.
    """
    master: SeriesPart | None = None
    overrides: dict[str, SeriesPart] = {}
    for part in parts:
        if part.key:
            overrides[part.key] = part
        else:
            master = part
    if master is None:
        return [part.event for part in overrides.values()]
    if not is_recurring(master.component) and not overrides and not bad_keys:
        return [master.event]
    try:
        return _expand(master, overrides, bad_keys, window, issues)
    except _EXPANSION_ERRORS as error:
        issues.error(master.event_id, f"the recurrence could not be expanded: {error}")
        return []


def _expand(
    master: SeriesPart,
    overrides: Mapping[str, SeriesPart],
    bad_keys: Collection[str],
    window: Window,
    issues: IssueLog,
) -> list[CalendarEvent]:
    try:
        plan = plan_expansion(master.component, window)
    except ExpansionLimitError as rejected:
        issues.error(master.event_id, rejected.reason)
        return []
    calendar = Calendar()
    calendar.add_component(plan.component)
    for part in overrides.values():
        calendar.add_component(part.component)
    query = recurring_ical_events.of(calendar)
    rule = rrule_text(master.component)

    events: list[CalendarEvent] = []
    found = 0
    chunk_start = max(window.start, _earliest_start(plan.component, overrides, window))
    length = _FIRST_CHUNK
    while chunk_start < window.end:
        if plan.max_chunk is not None:
            length = min(length, plan.max_chunk)
        chunk_end = min(chunk_start + length, window.end)
        components = _starting_between(
            query.between(chunk_start, chunk_end), chunk_start, chunk_end, window
        )
        found += len(components)
        for component in components:
            if len(events) == MAX_OCCURRENCES_PER_SERIES:
                issues.warning(
                    master.event_id,
                    f"the series has more than {MAX_OCCURRENCES_PER_SERIES} occurrences in the "
                    f"window; only the first {MAX_OCCURRENCES_PER_SERIES} were imported",
                )
                return events
            event = _occurrence(component, master, overrides, bad_keys, rule)
            if event is not None:
                events.append(event)
        chunk_start, length = chunk_end, length * 2
    if not found:
        issues.warning(master.event_id, _outside_window(window))
    log.debug("series %s: %d occurrences in the window", master.event_id, len(events))
    return events


def _earliest_start(master: Event, overrides: Mapping[str, SeriesPart], window: Window) -> datetime:
    """Return the earliest instant at which an occurrence of the series can start.

    Occurrences start at DTSTART or later, at an RDATE, or at an override's start. An
    occurrence that a THISANDFUTURE override moves starts no earlier than the override.
    """
    starts = [value_of(master, "DTSTART")]
    rdates: Any = master.get("RDATE", [])
    for rdate_list in rdates if isinstance(rdates, list) else [rdates]:
        for value in rdate_list.dts:
            starts.append(value.dt[0] if isinstance(value.dt, tuple) else value.dt)
    starts.extend(value_of(part.component, "DTSTART") for part in overrides.values())
    # In the window's zone, like the window bounds the recurrence library compares with.
    return min(window.instant(value) for value in starts).astimezone(window.zone)


def _outside_window(window: Window) -> str:
    return (
        f"the recurring series has no occurrence between {window.start:%Y-%m-%d %H:%M} and "
        f"{window.end:%Y-%m-%d %H:%M} ({window.zone.key}), so none of it was imported; to "
        "import it, pass --from and --to (window_start and window_end) that cover it"
    )


def _starting_between(
    components: Iterable[Any], start: datetime, end: datetime, window: Window
) -> list[Any]:
    # The library returns every occurrence that overlaps the span; keeping those that
    # start in it puts each occurrence in exactly one chunk.
    starting = [
        component
        for component in components
        if start <= window.instant(component["DTSTART"].dt) < end
    ]
    starting.sort(key=lambda component: window.instant(component["DTSTART"].dt))
    return starting


def _occurrence(
    component: Any,
    master: SeriesPart,
    overrides: Mapping[str, SeriesPart],
    bad_keys: Collection[str],
    rule: str | None,
) -> CalendarEvent | None:
    start = component["DTSTART"].dt
    end = _end_after_start(start, component["DTEND"].dt)
    all_day = not isinstance(start, datetime)
    recurrence_id = recurrence_value(component["RECURRENCE-ID"].dt, all_day)
    key = recurrence_key(recurrence_id)
    part = overrides.get(key)
    if part is None:
        if key in bad_keys:
            return None
        return attrs.evolve(
            master.event, start=start, end=end, recurrence_id=recurrence_id, recurrence_rule=rule
        )
    if _same_instant(start, part.event.start):
        return attrs.evolve(part.event, recurrence_rule=rule)
    # An override with RANGE=THISANDFUTURE also moves the later occurrences, which the
    # library returns as copies of the override.
    return attrs.evolve(
        part.event,
        start=start,
        end=end,
        recurrence_id=_original_start(start, part.event),
        recurrence_rule=rule,
    )


def _end_after_start(start: datetime | date, end: datetime | date) -> datetime | date:
    """Return the end of an occurrence, moved when a DST gap put it before the start.

    A start inside a DST gap moves forward by the length of the gap, but an end just
    after the gap does not, so a daily 02:30-03:00 meeting would end before it starts
    on the day clocks skip 02:00-03:00. The occurrence then keeps its wall-clock length.
    """
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return end
    start_instant = event_time("start", start)
    if event_time("end", end) >= start_instant:
        return end
    return start_instant + max(end - start, timedelta(0))


def _original_start(start: datetime | date, override: CalendarEvent) -> datetime | date:
    """Return the original start of an occurrence moved by a THISANDFUTURE override:
    its start moved back by the override's own shift."""
    # NOTE: the shift is elapsed time, so an occurrence on the other side of a DST
    # change from the override gets an original start one hour off.
    original = override.recurrence_id
    if (
        isinstance(start, datetime)
        and isinstance(override.start, datetime)
        and isinstance(original, datetime)
    ):
        return start - (override.start - original)
    if (
        not isinstance(start, datetime)
        and not isinstance(override.start, datetime)
        and original is not None
        and not isinstance(original, datetime)
    ):
        return start - (override.start - original)
    return start


def _same_instant(first: datetime | date, second: datetime | date) -> bool:
    return type(first) is type(second) and first == second
