"""Hypothesis settings for the reliability suite: deterministic, bounded, no deadline.

``derandomize=True`` makes every run try the same examples, so CI results repeat; the
tests pass ``max_examples`` to keep the suite's run time bounded.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

RELIABILITY = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
