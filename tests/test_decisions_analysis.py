"""Pattern analysis and success rate over a window of days."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest

from peanut_async import Database, ValidationError
from peanut_async.plugins.decisions import (
    ContextCount,
    DecisionContext,
    DecisionOption,
    DecisionsAPI,
    OutcomeCounts,
    PatternAnalysis,
)

Connector = Callable[..., Awaitable[Database]]


@pytest.fixture
async def db(peanut_connect: Connector) -> Database:
    return await peanut_connect(plugins=["decisions"])


@pytest.fixture
def api(db: Database) -> DecisionsAPI:
    return db.plugin("decisions", DecisionsAPI)


async def insert(
    db: Database,
    *,
    days_ago: float,
    decision_type: str = "scheduling",
    minutes_to_decide: int | None = None,
    rating: str | None = None,
    emotional_state: str | None = None,
    workload_level: str | None = None,
) -> None:
    """Insert a decision created ``days_ago`` days before now, decided after the given minutes."""
    context = json.dumps({"emotional_state": emotional_state, "workload_level": workload_level})
    outcome = (
        None
        if rating is None
        else json.dumps({"rating": rating, "notes": None, "recorded_at": "2025-01-01 00:00:00"})
    )
    decided_modifier = None if minutes_to_decide is None else f"+{minutes_to_decide} minutes"
    await db.execute(
        """
        INSERT INTO decisions (decision_type, description, options, context, outcome,
                               created_at, decided_at)
        SELECT :type, 'd', '[]', :context, :outcome, created, datetime(created, :decided)
        FROM (SELECT datetime('now', :created) AS created)
        """,
        {
            "type": decision_type,
            "context": context,
            "outcome": outcome,
            "created": f"-{days_ago * 86400:.0f} seconds",
            "decided": decided_modifier,
        },
    )


async def insert_example_window(db: Database) -> None:
    """Four scheduling decisions inside 90 days and one at 100 days."""
    await insert(
        db,
        days_ago=10,
        minutes_to_decide=30,
        rating="positive",
        emotional_state="stressed",
        workload_level="heavy",
    )
    await insert(
        db,
        days_ago=5,
        minutes_to_decide=90,
        rating="negative",
        emotional_state="stressed",
        workload_level="normal",
    )
    await insert(db, days_ago=1, emotional_state="calm", workload_level="heavy")
    await insert(db, days_ago=2, minutes_to_decide=60, rating="positive", workload_level="heavy")
    await insert(
        db,
        days_ago=100,
        minutes_to_decide=1000,
        rating="positive",
        emotional_state="calm",
        workload_level="light",
    )


# analyze_patterns -----------------------------------------------------------------


async def test_analysis_of_default_window(api: DecisionsAPI, db: Database) -> None:
    await insert_example_window(db)

    analysis = await api.analyze_patterns("scheduling")

    assert analysis == PatternAnalysis(
        decision_type="scheduling",
        window_days=90,
        count=4,
        decided_count=3,
        mean_minutes_to_decide=60.0,
        outcomes=OutcomeCounts(positive=2, neutral=0, negative=1),
        common_emotional_states=(ContextCount("stressed", 2), ContextCount("calm", 1)),
        common_workload_levels=(ContextCount("heavy", 3), ContextCount("normal", 1)),
    )


async def test_analysis_wider_window_includes_older(api: DecisionsAPI, db: Database) -> None:
    await insert_example_window(db)

    analysis = await api.analyze_patterns("scheduling", window_days=120)

    assert analysis.count == 5
    assert analysis.decided_count == 4
    assert analysis.mean_minutes_to_decide == 295.0
    assert analysis.outcomes == OutcomeCounts(positive=3, neutral=0, negative=1)
    assert analysis.common_emotional_states == (
        ContextCount("calm", 2),
        ContextCount("stressed", 2),
    )
    assert analysis.common_workload_levels == (
        ContextCount("heavy", 3),
        ContextCount("light", 1),
        ContextCount("normal", 1),
    )


async def test_analysis_window_boundary(api: DecisionsAPI, db: Database) -> None:
    await insert(db, days_ago=6.99)
    await insert(db, days_ago=7.01)

    analysis = await api.analyze_patterns("scheduling", window_days=7)

    assert analysis.count == 1


async def test_analysis_ignores_other_types(api: DecisionsAPI, db: Database) -> None:
    await insert(db, days_ago=1, decision_type="communication", rating="positive")

    analysis = await api.analyze_patterns("scheduling")

    assert analysis.count == 0
    assert analysis.outcomes.total == 0


async def test_analysis_of_empty_window(api: DecisionsAPI) -> None:
    analysis = await api.analyze_patterns("resource", window_days=30)

    assert analysis == PatternAnalysis(
        decision_type="resource",
        window_days=30,
        count=0,
        decided_count=0,
        mean_minutes_to_decide=None,
        outcomes=OutcomeCounts(),
        common_emotional_states=(),
        common_workload_levels=(),
    )


async def test_analysis_lists_three_most_common_states(api: DecisionsAPI, db: Database) -> None:
    for state, count in (("tired", 1), ("anxious", 1), ("calm", 2), ("stressed", 3), ("bored", 1)):
        for _ in range(count):
            await insert(db, days_ago=1, emotional_state=state)

    analysis = await api.analyze_patterns("scheduling")

    # Equal counts are listed alphabetically: anxious before bored before tired.
    assert analysis.common_emotional_states == (
        ContextCount("stressed", 3),
        ContextCount("calm", 2),
        ContextCount("anxious", 1),
    )


async def test_analysis_mean_minutes_with_seconds(api: DecisionsAPI, db: Database) -> None:
    await db.execute(
        "INSERT INTO decisions (decision_type, description, options, created_at, decided_at) "
        "VALUES ('other', 'd', '[]', datetime('now', '-1 hour'), "
        "datetime('now', '-1 hour', '+90 seconds'))"
    )

    analysis = await api.analyze_patterns("other")

    assert analysis.mean_minutes_to_decide == 1.5


async def test_analysis_of_recorded_decisions(api: DecisionsAPI) -> None:
    options = [DecisionOption("a", "A"), DecisionOption("b", "B")]
    context = DecisionContext(emotional_state="calm", workload_level="light")
    decision_id = await api.record_decision("commitment", "Say yes?", options, context)
    await api.record_choice(decision_id, "a")
    await api.record_outcome(decision_id, "neutral")

    analysis = await api.analyze_patterns("commitment")

    assert analysis.count == 1
    assert analysis.decided_count == 1
    assert analysis.mean_minutes_to_decide is not None
    assert 0 <= analysis.mean_minutes_to_decide < 1
    assert analysis.outcomes == OutcomeCounts(neutral=1)
    assert analysis.common_emotional_states == (ContextCount("calm", 1),)
    assert analysis.common_workload_levels == (ContextCount("light", 1),)


@pytest.mark.parametrize("window_days", [0, -5, 1.5, True, "90"])
async def test_analysis_rejects_bad_window(api: DecisionsAPI, window_days: object) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.analyze_patterns("scheduling", window_days)  # type: ignore[arg-type]

    assert caught.value.field == "window_days"
    assert caught.value.value == window_days


async def test_analysis_rejects_unknown_type(api: DecisionsAPI) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.analyze_patterns("errands")

    assert (caught.value.field, caught.value.value) == ("decision_type", "errands")


# success_rate ---------------------------------------------------------------------


async def test_success_rate_in_window(api: DecisionsAPI, db: Database) -> None:
    await insert_example_window(db)

    # Inside 90 days: positive, negative, positive and one without an outcome.
    assert await api.success_rate("scheduling") == 2 / 3


async def test_success_rate_wider_window(api: DecisionsAPI, db: Database) -> None:
    await insert_example_window(db)

    assert await api.success_rate("scheduling", window_days=120) == 3 / 4


async def test_success_rate_counts_neutral_as_not_positive(api: DecisionsAPI, db: Database) -> None:
    await insert(db, days_ago=1, rating="neutral")
    await insert(db, days_ago=1, rating="positive")

    assert await api.success_rate("scheduling") == 0.5


async def test_success_rate_without_outcomes_is_zero(api: DecisionsAPI, db: Database) -> None:
    await insert(db, days_ago=1)

    assert await api.success_rate("scheduling") == 0.0


async def test_success_rate_outside_window_is_zero(api: DecisionsAPI, db: Database) -> None:
    await insert(db, days_ago=40, rating="positive")

    assert await api.success_rate("scheduling", window_days=30) == 0.0


async def test_success_rate_rejects_bad_arguments(api: DecisionsAPI) -> None:
    with pytest.raises(ValidationError) as caught_window:
        await api.success_rate("scheduling", window_days=0)
    with pytest.raises(ValidationError) as caught_type:
        await api.success_rate("unknown")

    assert (caught_window.value.field, caught_window.value.value) == ("window_days", 0)
    assert (caught_type.value.field, caught_type.value.value) == ("decision_type", "unknown")
