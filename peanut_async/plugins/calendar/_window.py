"""The time window that bounds recurrence expansion, and the parsers' zone option."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import attrs

from ..._errors import ValidationError

DEFAULT_WINDOW_DAYS = 365
"""Without an explicit window, recurring events expand this many days around ``now``."""

MAX_OCCURRENCES_PER_SERIES = 5_000
"""Occurrences kept per recurring series inside the window; more are dropped with a
warning. A daily meeting over the default two-year window has 731."""


@attrs.frozen
class Window:
    """The half-open interval [start, end) in which occurrences must start.

    ``zone`` is the default time zone; an all-day occurrence starts at midnight there.
    """

    start: datetime
    end: datetime
    zone: zoneinfo.ZoneInfo

    def instant(self, value: datetime | date) -> datetime:
        """Return ``value`` as an aware datetime; a date becomes midnight in ``zone``."""
        if isinstance(value, datetime):
            return value
        return datetime.combine(value, time(), tzinfo=self.zone)


def default_zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the IANA zone ``name``; raise ValidationError when there is none."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValidationError(
            "default_timezone", name, "an IANA time zone name such as 'Europe/Berlin'"
        ) from None


def resolve_window(
    window_start: datetime | date | None,
    window_end: datetime | date | None,
    now: datetime | None,
    zone: zoneinfo.ZoneInfo,
) -> Window:
    """Return the expansion window, filling a missing bound from ``now``.

    A missing start is ``now`` minus 365 days and a missing end ``now`` plus 365 days;
    ``now`` defaults to the current UTC time. A date bound means midnight in ``zone``.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValidationError("now", now, "an aware datetime (with tzinfo)")
    span = timedelta(days=DEFAULT_WINDOW_DAYS)
    start = _bound("window_start", window_start, zone) or now - span
    end = _bound("window_end", window_end, zone) or now + span
    if end <= start:
        raise ValidationError("window_end", window_end, f"after window_start ({start.isoformat()})")
    # Bounds in the default zone make the recurrence library compare all-day
    # occurrences at midnight in that zone, as Window.instant does.
    return Window(start.astimezone(zone), end.astimezone(zone), zone)


def _bound(field: str, value: datetime | date | None, zone: zoneinfo.ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(field, value, "an aware datetime (with tzinfo), a date or None")
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    raise ValidationError(field, value, "an aware datetime, a date or None")
