"""Recording decision points, choices and outcomes, and reading them back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from peanut_async import Database, NotFoundError, ValidationError
from peanut_async._registry import check_schema
from peanut_async.plugins.decisions import (
    PLUGIN,
    DecisionContext,
    DecisionOption,
    DecisionsAPI,
    PatternMatch,
)

Connector = Callable[..., Awaitable[Database]]

STANDUP_OPTIONS = (
    DecisionOption("opt1", "9am daily", effort="low", risk="low"),
    DecisionOption("opt2", "2pm Mon/Wed/Fri", effort="medium", risk="medium"),
)
STANDUP_CONTEXT = DecisionContext(entity_ids=["team-id"], workload_level="normal")


@pytest.fixture
async def db(peanut_connect: Connector) -> Database:
    return await peanut_connect(plugins=["decisions"])


@pytest.fixture
def api(db: Database) -> DecisionsAPI:
    return db.plugin("decisions", DecisionsAPI)


async def record_standup(api: DecisionsAPI) -> str:
    return await api.record_decision(
        "scheduling", "When to schedule team standup", STANDUP_OPTIONS, STANDUP_CONTEXT
    )


async def count_decisions(db: Database) -> int:
    count: int = await db.fetch_value("SELECT count(*) FROM decisions")
    return count


# The plugin and its schema ---------------------------------------------------------


async def test_declared_columns_pass_schema_check(db: Database) -> None:
    assert await db.run_sync(check_schema, db.plugins) == []


async def test_declared_columns_are_the_table_columns(db: Database) -> None:
    rows = await db.fetch_all("SELECT name FROM pragma_table_info('decisions')")

    assert sorted(PLUGIN.tables["decisions"]) == sorted(row["name"] for row in rows)


async def test_plugin_loads_without_values_plugin(db: Database) -> None:
    assert db.has_plugin("decisions")
    assert not db.has_plugin("values")


# record_decision ------------------------------------------------------------------


async def test_record_standup_example(api: DecisionsAPI) -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    decision_id = await record_standup(api)
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.id == decision_id
    assert decision.decision_type == "scheduling"
    assert decision.description == "When to schedule team standup"
    assert decision.options == STANDUP_OPTIONS
    assert decision.context == STANDUP_CONTEXT
    assert decision.context.entity_ids == ("team-id",)
    assert decision.context.workload_level == "normal"
    assert before <= decision.created_at <= datetime.now(UTC)
    assert decision.created_at.tzinfo == UTC
    assert decision.chosen_option_id is None
    assert decision.decided_at is None
    assert decision.outcome is None
    assert decision.pattern_match == ()
    assert decision.consistency_with_values is None


async def test_record_stores_options_and_context_json(api: DecisionsAPI, db: Database) -> None:
    decision_id = await record_standup(api)

    row = await db.fetch_one(
        "SELECT options, json_extract(context, '$.entity_ids') AS entities, "
        "json_extract(context, '$.workload_level') AS workload, pattern_match "
        "FROM decisions WHERE id = ?",
        (decision_id,),
    )

    assert row is not None
    assert json.loads(row["options"]) == [
        {"id": "opt1", "label": "9am daily", "description": None, "effort": "low", "risk": "low"},
        {
            "id": "opt2",
            "label": "2pm Mon/Wed/Fri",
            "description": None,
            "effort": "medium",
            "risk": "medium",
        },
    ]
    assert json.loads(row["entities"]) == ["team-id"]
    assert row["workload"] == "normal"
    assert json.loads(row["pattern_match"]) == []


async def test_record_returns_distinct_ids(api: DecisionsAPI) -> None:
    first = await record_standup(api)
    second = await record_standup(api)

    assert first != second


async def test_record_without_context_stores_empty_context(api: DecisionsAPI) -> None:
    decision_id = await api.record_decision("other", "Lunch", STANDUP_OPTIONS)

    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.context == DecisionContext()


async def test_record_round_trips_every_context_field(api: DecisionsAPI) -> None:
    context = DecisionContext(
        entity_ids=["ann", "bob"],
        commitment_ids=["c-1"],
        deadline=datetime(2025, 6, 1, 17, 30, tzinfo=UTC),
        preferred_time="morning",
        emotional_state="stressed",
        workload_level="heavy",
        source_type="email",
        source_id="msg-42",
    )

    decision_id = await api.record_decision(
        "delegation", "Who writes the report", STANDUP_OPTIONS, context
    )
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.context == context


async def test_record_stores_similar_decisions_as_pattern_match(api: DecisionsAPI) -> None:
    older = await record_standup(api)
    newer = await record_standup(api)
    await api.record_outcome(older, "positive")
    await api.record_outcome(newer, "negative")
    unrated = await record_standup(api)

    decision_id = await record_standup(api)
    decision = await api.get_decision(decision_id)

    assert decision is not None
    # Each scores 2 for entity team-id plus 1 for workload normal. The unrated one is left out.
    assert decision.pattern_match == (PatternMatch(newer, 3), PatternMatch(older, 3))
    assert unrated not in {match.decision_id for match in decision.pattern_match}


async def test_get_unknown_decision_returns_none(api: DecisionsAPI) -> None:
    assert await api.get_decision("no-such-id") is None


# record_decision validation -------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "field", "value"),
    [
        (("meeting", "d", STANDUP_OPTIONS), "decision_type", "meeting"),
        (("Scheduling", "d", STANDUP_OPTIONS), "decision_type", "Scheduling"),
        (("scheduling", "", STANDUP_OPTIONS), "description", ""),
        (("scheduling", "d", []), "options", []),
        (("scheduling", "d", ()), "options", ()),
        (("scheduling", "d", "opt1"), "options", "opt1"),
        (
            ("scheduling", "d", [STANDUP_OPTIONS[0], DecisionOption("opt1", "other")]),
            "options[1].id",
            "opt1",
        ),
        (
            ("scheduling", "d", [{"id": "opt1", "label": "9am daily"}]),
            "options[0]",
            {"id": "opt1", "label": "9am daily"},
        ),
    ],
    ids=[
        "unknown-type",
        "type-case",
        "empty-description",
        "empty-list",
        "empty-tuple",
        "string-options",
        "duplicate-id",
        "dict-option",
    ],
)
async def test_record_rejects_invalid_arguments(
    api: DecisionsAPI, db: Database, arguments: tuple[object, ...], field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.record_decision(*arguments)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value == value
    assert await count_decisions(db) == 0


async def test_record_rejects_context_of_wrong_type(api: DecisionsAPI, db: Database) -> None:
    context = {"entity_ids": ["team-id"]}

    with pytest.raises(ValidationError) as caught:
        await api.record_decision("scheduling", "d", STANDUP_OPTIONS, context)  # type: ignore[arg-type]

    assert caught.value.field == "context"
    assert caught.value.value == context
    assert await count_decisions(db) == 0


# record_choice --------------------------------------------------------------------


async def test_choice_sets_option_and_decided_at(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)

    await api.record_choice(decision_id, "opt2")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.chosen_option_id == "opt2"
    assert decision.chosen_option == STANDUP_OPTIONS[1]
    assert decision.decided_at is not None
    assert decision.created_at <= decision.decided_at <= datetime.now(UTC)


async def test_choice_recomputes_pattern_match(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)
    later = await record_standup(api)
    await api.record_outcome(later, "positive")

    await api.record_choice(decision_id, "opt1")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    # Nothing had an outcome when it was recorded; `later` scores 2 (team-id) + 1 (normal).
    assert decision.pattern_match == (PatternMatch(later, 3),)


async def test_choice_pattern_match_excludes_itself(api: DecisionsAPI) -> None:
    older = await record_standup(api)
    await api.record_outcome(older, "negative")
    decision_id = await record_standup(api)
    await api.record_outcome(decision_id, "positive")

    await api.record_choice(decision_id, "opt2")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.pattern_match == (PatternMatch(older, 3),)


async def test_choice_without_values_plugin_leaves_consistency_null(
    api: DecisionsAPI, db: Database
) -> None:
    decision_id = await record_standup(api)

    await api.record_choice(decision_id, "opt1")

    stored = await db.fetch_one(
        "SELECT consistency_with_values IS NULL AS is_null FROM decisions WHERE id = ?",
        (decision_id,),
    )
    assert stored is not None
    assert stored["is_null"] == 1


async def test_choice_again_replaces_earlier_choice(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)

    await api.record_choice(decision_id, "opt1")
    await api.record_choice(decision_id, "opt2")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.chosen_option_id == "opt2"


async def test_choice_rejects_unknown_option(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)

    with pytest.raises(ValidationError) as caught:
        await api.record_choice(decision_id, "opt3")

    assert caught.value.field == "option_id"
    assert caught.value.value == "opt3"
    assert caught.value.expected == "the id of one of the decision's options ('opt1', 'opt2')"
    decision = await api.get_decision(decision_id)
    assert decision is not None
    assert decision.chosen_option_id is None
    assert decision.decided_at is None


async def test_rejected_choice_keeps_pattern_match(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)
    later = await record_standup(api)
    await api.record_outcome(later, "positive")

    with pytest.raises(ValidationError):
        await api.record_choice(decision_id, "opt3")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.pattern_match == ()


async def test_choice_rejects_option_label_as_id(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)

    with pytest.raises(ValidationError) as caught:
        await api.record_choice(decision_id, "9am daily")

    assert caught.value.field == "option_id"


async def test_choice_for_unknown_decision_raises_not_found(api: DecisionsAPI) -> None:
    with pytest.raises(NotFoundError) as caught:
        await api.record_choice("no-such-id", "opt1")

    assert caught.value.kind == "decision"
    assert caught.value.key == "no-such-id"


# record_outcome -------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["positive", "neutral", "negative"])
async def test_outcome_stores_rating_notes_and_time(api: DecisionsAPI, rating: str) -> None:
    decision_id = await record_standup(api)
    before = datetime.now(UTC).replace(microsecond=0)

    await api.record_outcome(decision_id, rating, notes="team liked it")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.outcome is not None
    assert decision.outcome.rating == rating
    assert decision.outcome.notes == "team liked it"
    assert before <= decision.outcome.recorded_at <= datetime.now(UTC) + timedelta(seconds=1)


async def test_outcome_without_notes(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)

    await api.record_outcome(decision_id, "neutral")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.outcome is not None
    assert decision.outcome.notes is None


async def test_outcome_again_replaces_earlier_outcome(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)

    await api.record_outcome(decision_id, "negative", "too early")
    await api.record_outcome(decision_id, "positive")
    decision = await api.get_decision(decision_id)

    assert decision is not None
    assert decision.outcome is not None
    assert (decision.outcome.rating, decision.outcome.notes) == ("positive", None)


@pytest.mark.parametrize("rating", ["great", "Positive", "", None, 1])
async def test_outcome_rejects_invalid_rating(api: DecisionsAPI, rating: object) -> None:
    decision_id = await record_standup(api)

    with pytest.raises(ValidationError) as caught:
        await api.record_outcome(decision_id, rating)  # type: ignore[arg-type]

    assert caught.value.field == "rating"
    assert caught.value.value == rating
    assert caught.value.expected == "one of 'positive', 'neutral', 'negative'"
    decision = await api.get_decision(decision_id)
    assert decision is not None
    assert decision.outcome is None


async def test_outcome_rejects_notes_of_wrong_type(api: DecisionsAPI) -> None:
    decision_id = await record_standup(api)

    with pytest.raises(ValidationError) as caught:
        await api.record_outcome(decision_id, "positive", notes=42)  # type: ignore[arg-type]

    assert caught.value.field == "notes"
    assert caught.value.value == 42


async def test_outcome_for_unknown_decision_raises_not_found(api: DecisionsAPI) -> None:
    with pytest.raises(NotFoundError) as caught:
        await api.record_outcome("no-such-id", "positive")

    assert caught.value.kind == "decision"
    assert caught.value.key == "no-such-id"


async def test_concurrent_records_all_stored(api: DecisionsAPI, db: Database) -> None:
    decision_ids = await asyncio.gather(*(record_standup(api) for _ in range(20)))

    assert len(set(decision_ids)) == 20
    assert await count_decisions(db) == 20
