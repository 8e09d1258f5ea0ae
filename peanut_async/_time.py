"""Canonical UTC text form of stored instants and dates.

Every stored instant uses ``YYYY-MM-DD HH:MM:SS`` in UTC, the form SQLite's own
``CURRENT_TIMESTAMP`` and ``datetime('now')`` produce, so text comparison in SQL orders
instants correctly. All-day dates are stored as ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from ._errors import ValidationError

_INSTANT_FORMAT = "%Y-%m-%d %H:%M:%S"


def utc_now() -> datetime:
    """Return the current time in UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def to_db_instant(value: datetime, *, field: str = "datetime") -> str:
    """Convert an aware datetime to the canonical UTC text form."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, value, "an aware datetime (with tzinfo)")
    return value.astimezone(UTC).strftime(_INSTANT_FORMAT)


def to_db_date(value: date) -> str:
    """Convert a date to ``YYYY-MM-DD``."""
    return value.isoformat()


def to_db_time(value: datetime | date, *, field: str = "datetime") -> str:
    """Convert an aware datetime or a date to its canonical stored form."""
    if isinstance(value, datetime):
        return to_db_instant(value, field=field)
    return to_db_date(value)


def parse_db_time(text: str) -> datetime | date:
    """Parse a stored instant (aware, UTC) or a stored all-day date."""
    if len(text) == 10:
        return date.fromisoformat(text)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
