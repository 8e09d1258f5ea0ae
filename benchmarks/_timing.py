"""Medians and the number formats used in the tables."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(samples: Sequence[float]) -> float:
    """Return the median of the samples (the mean of the middle two for an even count)."""
    if not samples:
        raise ValueError("median of no samples")
    return statistics.median(samples)


def milliseconds(seconds: float) -> str:
    """Format a duration in seconds as milliseconds."""
    return f"{seconds * 1000:.2f}"


def per_second(count: int, seconds: float) -> float:
    """Return how many items per second ``count`` items in ``seconds`` make."""
    return count / seconds if seconds > 0 else float("inf")


def rate(value: float) -> str:
    """Format a rate with thousands separators."""
    return f"{value:,.0f}"


def ratio(value: float) -> str:
    """Format a ratio such as 0.93x or 21.4x."""
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"
