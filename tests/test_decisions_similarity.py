"""Similar past decisions (scores, order, candidate bound) and suggested options."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence

import pytest

from peanut_async import Database, ValidationError
from peanut_async.plugins.decisions import (
    DecisionContext,
    DecisionOption,
    DecisionsAPI,
    SimilarDecision,
)
from peanut_async.plugins.decisions._similarity import wilson_lower_bound

Connector = Callable[..., Awaitable[Database]]

QUERY = DecisionContext(
    entity_ids=["team-1", "ann"],
    workload_level="normal",
    emotional_state="stressed",
    source_type="email",
)
OPTIONS = (
    DecisionOption("opt1", "9am daily"),
    DecisionOption("opt2", "2pm Mon/Wed/Fri"),
    DecisionOption("opt3", "Skip standups"),
)


@pytest.fixture
async def db(peanut_connect: Connector) -> Database:
    return await peanut_connect(plugins=["decisions"])


@pytest.fixture
def api(db: Database) -> DecisionsAPI:
    return db.plugin("decisions", DecisionsAPI)


async def insert(
    db: Database,
    decision_id: str,
    *,
    decision_type: str = "scheduling",
    created_at: str = "2025-01-01 09:00:00",
    rating: str | None = "positive",
    **context: object,
) -> None:
    """Insert a decision row directly, with an explicit creation time and context."""
    outcome = None
    if rating is not None:
        outcome = json.dumps({"rating": rating, "notes": None, "recorded_at": created_at})
    await db.execute(
        "INSERT INTO decisions (id, decision_type, description, options, context, outcome, "
        "created_at) VALUES (?, ?, 'd', '[]', ?, ?, ?)",
        (decision_id, decision_type, json.dumps(context), outcome, created_at),
    )


def scores(similar: Sequence[SimilarDecision]) -> list[tuple[str, int]]:
    return [(match.decision.id, match.score) for match in similar]


async def record_past(
    api: DecisionsAPI, label: str, rating: str, context: DecisionContext = QUERY
) -> str:
    """Record a decided scheduling decision whose chosen option has ``label``."""
    options = [DecisionOption("chosen", label), DecisionOption("other", "Something else")]
    decision_id = await api.record_decision("scheduling", "standup time", options, context)
    await api.record_choice(decision_id, "chosen")
    await api.record_outcome(decision_id, rating)
    return decision_id


# find_similar scores --------------------------------------------------------------


async def test_similar_scores_each_shared_feature(api: DecisionsAPI, db: Database) -> None:
    await insert(
        db,
        "all",
        entity_ids=["team-1", "ann"],
        workload_level="normal",
        emotional_state="stressed",
        source_type="email",
    )
    await insert(db, "one entity", entity_ids=["ann", "bob"], workload_level="heavy")
    await insert(db, "workload", entity_ids=["bob"], workload_level="normal")
    await insert(db, "emotion", emotional_state="stressed")
    await insert(db, "source", source_type="email", source_id="other-message")

    similar = await api.find_similar("scheduling", QUERY, limit=10)

    assert scores(similar) == [
        ("all", 7),
        ("one entity", 2),
        ("source", 1),
        ("emotion", 1),
        ("workload", 1),
    ]


async def test_similar_excludes_score_zero(api: DecisionsAPI, db: Database) -> None:
    await insert(
        db,
        "unrelated",
        entity_ids=["bob"],
        workload_level="heavy",
        emotional_state="calm",
        source_type="chat",
    )

    assert await api.find_similar("scheduling", QUERY) == []


async def test_similar_entity_ids_match_exactly(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "team-10", entity_ids=["team-10", "annie"])
    await insert(db, "percent", entity_ids=["team-%"])
    await insert(db, "team-1", entity_ids=["team-1"])

    similar = await api.find_similar("scheduling", DecisionContext(entity_ids=["team-1", "ann"]))

    assert scores(similar) == [("team-1", 2)]


async def test_similar_only_decisions_with_outcome(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "rated", rating="negative", workload_level="normal")
    await insert(db, "open", rating=None, workload_level="normal")

    similar = await api.find_similar("scheduling", QUERY)

    assert scores(similar) == [("rated", 1)]


async def test_similar_only_same_type(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "scheduling", workload_level="normal")
    await insert(db, "delegation", decision_type="delegation", workload_level="normal")

    assert scores(await api.find_similar("delegation", QUERY)) == [("delegation", 1)]


async def test_similar_unset_features_do_not_match_missing_ones(
    api: DecisionsAPI, db: Database
) -> None:
    # Neither the query nor the row has a workload, so workload adds no point.
    await insert(db, "bare", entity_ids=["ann"])

    similar = await api.find_similar("scheduling", DecisionContext(entity_ids=["ann"]))

    assert scores(similar) == [("bare", 2)]


async def test_similar_with_empty_context_is_empty(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "bare")

    assert await api.find_similar("scheduling", DecisionContext()) == []


async def test_similar_returns_full_decisions(api: DecisionsAPI) -> None:
    decision_id = await record_past(api, "9am daily", "positive")

    [match] = await api.find_similar("scheduling", QUERY)

    assert match.decision == await api.get_decision(decision_id)
    assert match.score == 7


# find_similar order and bounds ----------------------------------------------------


async def test_similar_ties_newest_first(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "old", created_at="2025-01-01 09:00:00", workload_level="normal")
    await insert(db, "new", created_at="2025-03-01 09:00:00", workload_level="normal")
    await insert(db, "mid", created_at="2025-02-01 09:00:00", workload_level="normal")

    similar = await api.find_similar("scheduling", QUERY)

    assert scores(similar) == [("new", 1), ("mid", 1), ("old", 1)]


async def test_similar_same_second_later_insert_first(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "first", workload_level="normal")
    await insert(db, "second", workload_level="normal")

    similar = await api.find_similar("scheduling", QUERY)

    assert scores(similar) == [("second", 1), ("first", 1)]


async def test_similar_higher_score_beats_recency(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "old strong", created_at="2024-01-01 09:00:00", entity_ids=["ann"])
    await insert(db, "new weak", created_at="2025-01-01 09:00:00", workload_level="normal")

    similar = await api.find_similar("scheduling", QUERY)

    assert scores(similar) == [("old strong", 2), ("new weak", 1)]


async def test_similar_limit(api: DecisionsAPI, db: Database) -> None:
    for day in range(1, 8):
        await insert(db, f"d{day}", created_at=f"2025-01-0{day} 09:00:00", workload_level="normal")

    assert scores(await api.find_similar("scheduling", QUERY)) == [
        (f"d{day}", 1) for day in range(7, 2, -1)
    ]
    assert scores(await api.find_similar("scheduling", QUERY, limit=2)) == [("d7", 1), ("d6", 1)]


async def test_similar_scores_only_recent_candidates(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "old strong", created_at="2025-01-01 09:00:00", entity_ids=["team-1", "ann"])
    await insert(
        db, "newer open", created_at="2025-01-04 09:00:00", rating=None, workload_level="normal"
    )
    await insert(db, "mid", created_at="2025-01-02 09:00:00", workload_level="normal")
    await insert(db, "new", created_at="2025-01-03 09:00:00", emotional_state="stressed")

    similar = await api.find_similar("scheduling", QUERY, max_candidates=2)

    # The bound counts decisions with an outcome only, so "newer open" takes no place.
    assert scores(similar) == [("new", 1), ("mid", 1)]


@pytest.mark.parametrize(
    ("keyword", "value"),
    [("limit", 0), ("limit", True), ("max_candidates", 0), ("max_candidates", "5")],
)
async def test_similar_rejects_bad_bounds(api: DecisionsAPI, keyword: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.find_similar("scheduling", QUERY, **{keyword: value})  # type: ignore[arg-type]

    assert (caught.value.field, caught.value.value) == (keyword, value)


async def test_similar_rejects_unknown_type(api: DecisionsAPI) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.find_similar("chores", QUERY)

    assert (caught.value.field, caught.value.value) == ("decision_type", "chores")


# suggest_option -------------------------------------------------------------------


async def test_suggest_needs_three_similar_decisions(api: DecisionsAPI) -> None:
    await record_past(api, "9am daily", "positive")
    await record_past(api, "9am daily", "positive")

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option is None
    assert suggestion.confidence == 0.0
    assert suggestion.similar_count == 2
    assert suggestion.reasoning == (
        "found 2 similar past decision(s) with an outcome, but at least 3 are needed"
    )


async def test_suggest_needs_two_data_points(api: DecisionsAPI) -> None:
    await record_past(api, "9am daily", "positive")
    await record_past(api, "2pm Mon/Wed/Fri", "positive")
    await record_past(api, "Skip standups", "positive")

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option is None
    assert suggestion.similar_count == 3
    assert suggestion.reasoning == (
        "no option was chosen in at least 2 of the 3 similar past decisions"
    )


async def test_suggest_highest_positive_share(api: DecisionsAPI) -> None:
    for rating in ("positive", "positive", "negative"):
        await record_past(api, "9am daily", rating)
    for rating in ("positive", "neutral", "negative"):
        await record_past(api, "2pm Mon/Wed/Fri", rating)

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option == OPTIONS[0]
    assert suggestion.similar_count == 6
    assert suggestion.data_points == 3
    assert suggestion.positive_count == 2
    assert suggestion.confidence == pytest.approx(0.2077, abs=1e-4)
    assert suggestion.reasoning == (
        "'9am daily' was chosen in 3 of 6 similar past decisions and 2 of them (67%) "
        "had a positive outcome"
    )


async def test_suggest_matches_labels_ignoring_case(api: DecisionsAPI) -> None:
    await record_past(api, "9AM Daily", "positive")
    await record_past(api, " 9am daily ", "positive")
    await record_past(api, "2pm Mon/Wed/Fri", "negative")

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option == OPTIONS[0]
    assert suggestion.data_points == 2
    assert suggestion.confidence == pytest.approx(0.3424, abs=1e-4)


async def test_suggest_equal_share_prefers_more_data(api: DecisionsAPI) -> None:
    await record_past(api, "9am daily", "positive")
    await record_past(api, "9am daily", "negative")
    for rating in ("positive", "negative", "positive", "negative"):
        await record_past(api, "2pm Mon/Wed/Fri", rating)

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option == OPTIONS[1]
    assert suggestion.data_points == 4


async def test_suggest_full_tie_prefers_earlier_option(api: DecisionsAPI) -> None:
    for label in ("2pm Mon/Wed/Fri", "9am daily", "2pm Mon/Wed/Fri", "9am daily"):
        await record_past(api, label, "positive")

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option == OPTIONS[0]


async def test_suggest_nothing_when_no_positive_outcome(api: DecisionsAPI) -> None:
    for label in ("9am daily", "9am daily", "2pm Mon/Wed/Fri"):
        await record_past(api, label, "negative")

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option is None
    assert (
        suggestion.reasoning == "no option chosen in similar past decisions had a positive outcome"
    )


async def test_suggest_ignores_dissimilar_decisions(api: DecisionsAPI) -> None:
    unrelated = DecisionContext(entity_ids=["zed"], workload_level="light")
    for _ in range(3):
        await record_past(api, "9am daily", "positive", unrelated)

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option is None
    assert suggestion.similar_count == 0


async def test_suggest_ignores_decisions_without_choice(api: DecisionsAPI) -> None:
    await record_past(api, "9am daily", "positive")
    await record_past(api, "9am daily", "positive")
    unchosen = await api.record_decision("scheduling", "standup", OPTIONS, QUERY)
    await api.record_outcome(unchosen, "positive")

    suggestion = await api.suggest_option("scheduling", OPTIONS, QUERY)

    assert suggestion.option == OPTIONS[0]
    assert suggestion.similar_count == 3
    assert suggestion.data_points == 2


async def test_suggest_rejects_invalid_options(api: DecisionsAPI) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.suggest_option("scheduling", [], QUERY)

    assert (caught.value.field, caught.value.value) == ("options", [])


@pytest.mark.parametrize(
    ("positives", "total", "expected"),
    [(0, 0, 0.0), (0, 5, 0.0), (2, 2, 0.3424), (2, 3, 0.2077), (10, 10, 0.7225), (5, 10, 0.2366)],
)
def test_wilson_lower_bound(positives: int, total: int, expected: float) -> None:
    assert wilson_lower_bound(positives, total) == pytest.approx(expected, abs=1e-4)
