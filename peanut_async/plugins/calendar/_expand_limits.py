"""Bound the work of expanding one recurring series, before recurring-ical-events runs.

recurring-ical-events 3.x hands each RRULE to python-dateutil, which steps through
every occurrence from DTSTART up to the queried span (and caches them), and it builds
a component for every occurrence of a queried span at once. So an old DTSTART or a
dense rule (FREQ=SECONDLY) costs time and memory without limit. :func:`plan_expansion`
bounds both:

- A series without COUNT whose rules all have a fixed-length period (WEEKLY or
  shorter) and whose DTSTART lies before the window gets DTSTART moved forward by
  whole periods to just before the window. dateutil places occurrences on a grid of
  whole periods from DTSTART in local wall-clock time, so every occurrence in the
  window keeps its time and its recurrence id.
- Every query spans at most about :data:`CHUNK_OCCURRENCES` occurrences, going by the
  highest rate the rules allow.
- A series is rejected when expanding it would still step through more than
  :data:`MAX_STEPS_BEFORE_WINDOW` occurrences before the window (a series with COUNT,
  or a monthly or yearly one, keeps its DTSTART), or when more than
  :data:`MAX_OVERLAPPING` of its occurrences could overlap, because each query also
  builds every occurrence that overlaps its start.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Final

import attrs
from icalendar import Event
from icalendar.prop import vDDDTypes

from ._window import MAX_OCCURRENCES_PER_SERIES, Window

CHUNK_OCCURRENCES: Final = 1_000
"""Occurrences that one recurrence query may start, at the highest rate of the rules."""

MAX_STEPS_BEFORE_WINDOW: Final = 100_000
"""Occurrences that expansion may step through before the window starts."""

MAX_OVERLAPPING: Final = MAX_OCCURRENCES_PER_SERIES
"""Occurrences of one series that may overlap one instant."""

_SECOND = 1
_MINUTE = 60
_HOUR = 3_600
_DAY = 86_400
_WEEK = 7 * _DAY
# The length of each frequency's period in wall-clock seconds, the shortest one for
# months and years. Only periods up to a week have a fixed length in wall-clock time,
# so only they can move DTSTART.
_PERIOD_SECONDS: Final = {
    "SECONDLY": _SECOND,
    "MINUTELY": _MINUTE,
    "HOURLY": _HOUR,
    "DAILY": _DAY,
    "WEEKLY": _WEEK,
    "MONTHLY": 28 * _DAY,
    "YEARLY": 365 * _DAY,
}
_FIXED_PERIODS: Final = frozenset({"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY"})
_FREQUENCY_ORDER: Final = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A BY part expands each period into several occurrences when the frequency is
# coarser than the part, as BYHOUR does for DAILY. For a finer frequency it filters.
_EXPANDING_PARTS: Final = (
    ("BYSECOND", "SECONDLY", 60),
    ("BYMINUTE", "MINUTELY", 60),
    ("BYHOUR", "HOURLY", 24),
)
_DAY_PARTS: Final = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")
# Moving DTSTART to this long before the window keeps it before the window whatever
# the zone's UTC offset does in between: offsets range from -12:00 to +14:00.
_MARGIN: Final = timedelta(hours=26)


class ExpansionLimitError(Exception):
    """The series would take too much time or memory to expand; ``reason`` explains why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@attrs.frozen
class Rule:
    """One RRULE, reduced to what bounds its cost."""

    frequency: str
    interval: int
    count: int | None
    # At most this many occurrences start in one period.
    per_period: int

    @property
    def period_seconds(self) -> int:
        """The shortest length of one period (INTERVAL times the frequency), in seconds."""
        return self.interval * _PERIOD_SECONDS[self.frequency]

    @property
    def max_rate(self) -> float:
        """The highest number of occurrences per second; dateutil yields at most one a second."""
        return min(self.per_period / self.period_seconds, 1.0)


@attrs.frozen
class ExpansionPlan:
    """How to expand one series: the master to expand, and the longest span per query."""

    component: Event
    max_chunk: timedelta | None


def plan_expansion(component: Event, window: Window) -> ExpansionPlan:
    """Return the plan for expanding the master ``component`` inside ``window``.

    Raises ExpansionLimitError when the series is too costly, as the module docstring
    describes.
    """
    rules = read_rules(component)
    if not rules:
        return ExpansionPlan(component, None)
    start = value_of(component, "DTSTART")
    component = _moved_forward(component, rules, window)

    rate = sum(rule.max_rate for rule in rules)
    # NOTE: the rate ignores BY parts that filter (BYHOUR=9 on a MINUTELY rule), so a
    # long-lasting series with such filters can be rejected while overlapping less.
    overlapping = rate * _duration(component).total_seconds()
    if overlapping > MAX_OVERLAPPING:
        raise ExpansionLimitError(
            f"the series was not expanded: with {_describe(rules)} and each occurrence lasting "
            f"{_duration(component)}, up to {overlapping:,.0f} occurrences could overlap, "
            f"more than the limit of {MAX_OVERLAPPING:,}"
        )
    steps = _steps_before(value_of(component, "DTSTART"), rules, window)
    if steps > MAX_STEPS_BEFORE_WINDOW:
        raise ExpansionLimitError(
            f"the series was not expanded: with {_describe(rules)} from {_text(start)}, "
            f"expansion would step through about {steps:,} occurrences before the window "
            f"starts, more than the limit of {MAX_STEPS_BEFORE_WINDOW:,}"
        )
    return ExpansionPlan(component, timedelta(seconds=max(CHUNK_OCCURRENCES / rate, 1.0)))


def value_of(component: Event, name: str) -> Any:
    """Return the Python value of a date, date-time or duration property."""
    value: Any = component[name]
    return value.dt


def read_rules(component: Event) -> list[Rule]:
    """Return the component's RRULEs; raise ValueError for an unknown FREQ or INTERVAL < 1."""
    value = component.get("RRULE")
    if value is None:
        return []
    recurs = value if isinstance(value, list) else [value]
    return [_rule(recur) for recur in recurs]


def _rule(recur: Any) -> Rule:
    frequency = str(next(iter(_values(recur, "FREQ")), "")).upper()
    if frequency not in _PERIOD_SECONDS:
        raise ValueError(f"unknown RRULE FREQ {frequency!r}")
    interval = int(next(iter(_values(recur, "INTERVAL")), 1))
    if interval < 1:
        # dateutil never advances with INTERVAL=0 and would loop forever.
        raise ValueError(f"RRULE INTERVAL must be 1 or more, got {interval}")
    count = _values(recur, "COUNT")
    return Rule(
        frequency=frequency,
        interval=interval,
        count=int(count[0]) if count else None,
        per_period=_per_period(recur, frequency),
    )


def _per_period(recur: Any, frequency: str) -> int:
    # An upper bound: BYSETPOS and the filtering parts only remove occurrences.
    rank = _FREQUENCY_ORDER.index(frequency)
    times = 1
    for part, unit, limit in _EXPANDING_PARTS:
        if rank > _FREQUENCY_ORDER.index(unit) and _values(recur, part):
            times *= min(len(_values(recur, part)), limit)
    return times * _days_per_period(recur, frequency)


def _days_per_period(recur: Any, frequency: str) -> int:
    has_day_part = any(_values(recur, part) for part in _DAY_PARTS)
    if frequency == "WEEKLY" and _values(recur, "BYDAY"):
        return min(len(_values(recur, "BYDAY")), 7)
    if frequency == "MONTHLY" and has_day_part:
        return 31
    if frequency == "YEARLY":
        if has_day_part:
            return 366
        return min(len(_values(recur, "BYMONTH")) or 1, 12)
    return 1


def _values(recur: Any, part: str) -> list[Any]:
    # A parsed RRULE has a list per part, but one built in code may have a single value.
    value = recur.get(part)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _moved_forward(component: Event, rules: Sequence[Rule], window: Window) -> Event:
    """Return a copy of the master with DTSTART moved to just before the window, or the
    master itself when its rules do not allow that or it starts late enough."""
    if any(rule.count is not None or rule.frequency not in _FIXED_PERIODS for rule in rules):
        return component
    start = value_of(component, "DTSTART")
    step = timedelta(seconds=math.lcm(*(rule.period_seconds for rule in rules)))
    # dateutil counts periods in the wall-clock time of DTSTART's zone; an all-day
    # series counts them from midnight, compared with the window in its default zone.
    if isinstance(start, datetime):
        wall_start = start.replace(tzinfo=None)
        wall_target = window.start.astimezone(start.tzinfo).replace(tzinfo=None) - _MARGIN
    elif step % timedelta(days=1):
        return component  # a sub-daily rule on an all-day start is left to the library
    else:
        wall_start = datetime.combine(start, time())
        wall_target = window.start.replace(tzinfo=None) - _MARGIN
    periods = (wall_target - wall_start) // step
    if periods <= 0:
        return component
    shift = periods * step
    moved = copy.copy(component)
    moved["DTSTART"] = vDDDTypes(start + shift)
    if "DTEND" in component:
        # The library takes the duration as DTEND - DTSTART; the same difference keeps it.
        moved["DTEND"] = vDDDTypes(start + shift + (value_of(component, "DTEND") - start))
    return moved


def _duration(component: Event) -> timedelta:
    start = value_of(component, "DTSTART")
    length: timedelta
    if "DTEND" in component:
        length = value_of(component, "DTEND") - start
    elif "DURATION" in component:
        length = value_of(component, "DURATION")
    else:
        length = timedelta(0) if isinstance(start, datetime) else timedelta(days=1)
    return max(length, timedelta(0))


def _steps_before(start: datetime | date, rules: Sequence[Rule], window: Window) -> int:
    """Return an estimate of the occurrences dateutil steps through before the window."""
    seconds_before = (window.start - window.instant(start)).total_seconds()
    if seconds_before <= 0:
        return 0
    steps = 0
    for rule in rules:
        occurrences = math.ceil(seconds_before / rule.period_seconds) * rule.per_period
        steps += occurrences if rule.count is None else min(occurrences, rule.count)
    return steps


def _describe(rules: Sequence[Rule]) -> str:
    parts = []
    for rule in rules:
        text = f"FREQ={rule.frequency}"
        if rule.interval != 1:
            text += f";INTERVAL={rule.interval}"
        if rule.count is not None:
            text += f";COUNT={rule.count}"
        parts.append(text)
    return "RRULE " + " and ".join(parts)


def _text(value: datetime | date) -> str:
    return value.isoformat(" ", "minutes") if isinstance(value, datetime) else value.isoformat()
