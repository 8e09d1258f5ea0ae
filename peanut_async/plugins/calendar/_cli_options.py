"""Argument types of the ``peanut-async calendar`` commands, and the window check.

argparse turns an ArgumentTypeError into a usage error (exit status 2) that names the
option, so every value is checked here before a database is opened.
"""

from __future__ import annotations

import argparse
import math
import sys
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from ..._cli._common import EXIT_USAGE
from ..._errors import ValidationError
from ._api import MAX_HOURS
from ._window import DEFAULT_WINDOW_DAYS, default_zone


def window_bound(text: str) -> date | datetime:
    """Parse ``--from`` or ``--to``: YYYY-MM-DD or an ISO 8601 date-time."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}; use YYYY-MM-DD or an ISO 8601 date-time "
            "such as 2025-01-31T09:00"
        ) from None


def time_zone(text: str) -> str:
    """Check ``--timezone``: an IANA zone name such as Europe/Berlin."""
    try:
        default_zone(text)
    except ValidationError:
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text!r}; use an IANA name such as Europe/Berlin or UTC"
        ) from None
    return text


def hours(text: str) -> float:
    """Parse ``--hours``: a positive number of hours, at most 100 years."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0 or value > MAX_HOURS:
        raise argparse.ArgumentTypeError(
            f"invalid number of hours {text!r}; use a positive number of at most {MAX_HOURS}"
        )
    return value


def aware(value: date | datetime | None, zone: zoneinfo.ZoneInfo) -> date | datetime | None:
    """Return a date-time without offset as one in ``zone``; other values unchanged."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


def window_problem(
    window_start: date | datetime | None,
    window_end: date | datetime | None,
    zone: zoneinfo.ZoneInfo,
    now: datetime | None = None,
) -> str | None:
    """Return why ``--from`` and ``--to`` give an empty window, or None when they do not.

    A missing bound is the default: 365 days before or after ``now``, as the parsers
    fill it. Date-times without an offset must already be in ``zone``.
    """
    now = now or datetime.now(UTC)
    span = timedelta(days=DEFAULT_WINDOW_DAYS)
    start = now - span if window_start is None else _instant(window_start, zone)
    end = now + span if window_end is None else _instant(window_end, zone)
    if start < end:
        return None
    if window_start is not None and window_end is not None:
        return (
            f"--to must be after --from: got --from {_text(window_start)} and "
            f"--to {_text(window_end)}"
        )
    if window_end is None:
        return (
            f"--from {_text(window_start)} is not before the default --to, "
            f"{DEFAULT_WINDOW_DAYS} days from now ({end:%Y-%m-%d}); pass --to as well"
        )
    return (
        f"--to {_text(window_end)} is not after the default --from, {DEFAULT_WINDOW_DAYS} days "
        f"before now ({start:%Y-%m-%d}); pass --from as well"
    )


def usage_error(parser: argparse.ArgumentParser, message: str) -> int:
    """Print a usage error as argparse does, and return exit status 2 instead of exiting."""
    parser.print_usage(sys.stderr)
    sys.stderr.write(f"{parser.prog}: error: {message}\n")
    return EXIT_USAGE


def _instant(value: date | datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=zone)


def _text(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()
