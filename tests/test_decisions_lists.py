"""Listing decisions by type and by entity: order, limits and exact entity id matching."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence

import pytest

from peanut_async import Database, ValidationError
from peanut_async.plugins.decisions import DecisionContext, DecisionOption, DecisionsAPI

Connector = Callable[..., Awaitable[Database]]

OPTIONS = (DecisionOption("opt1", "9am daily"), DecisionOption("opt2", "2pm Mon/Wed/Fri"))


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
    entity_ids: Sequence[str] = (),
    rating: str | None = None,
) -> None:
    """Insert a decision row directly, with an explicit creation time."""
    outcome = None
    if rating is not None:
        outcome = json.dumps({"rating": rating, "notes": None, "recorded_at": created_at})
    options = json.dumps([{"id": "opt1", "label": "9am daily"}])
    await db.execute(
        "INSERT INTO decisions (id, decision_type, description, options, context, outcome, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            decision_id,
            decision_type,
            f"decision {decision_id}",
            options,
            json.dumps({"entity_ids": list(entity_ids)}),
            outcome,
            created_at,
        ),
    )


def ids(decisions: Sequence[object]) -> list[str]:
    return [decision.id for decision in decisions]  # type: ignore[attr-defined]


# list_by_type ---------------------------------------------------------------------


async def test_list_by_type_newest_first(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "middle", created_at="2025-01-02 09:00:00")
    await insert(db, "oldest", created_at="2025-01-01 09:00:00")
    await insert(db, "newest", created_at="2025-01-03 09:00:00")

    assert ids(await api.list_by_type("scheduling")) == ["newest", "middle", "oldest"]


async def test_list_by_type_same_second_later_insert_first(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "first", created_at="2025-01-01 09:00:00")
    await insert(db, "second", created_at="2025-01-01 09:00:00")

    assert ids(await api.list_by_type("scheduling")) == ["second", "first"]


async def test_list_by_type_only_that_type(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "s", decision_type="scheduling")
    await insert(db, "c", decision_type="communication")

    assert ids(await api.list_by_type("communication")) == ["c"]


async def test_list_by_type_limit(api: DecisionsAPI, db: Database) -> None:
    for day in range(1, 6):
        await insert(db, f"d{day}", created_at=f"2025-01-0{day} 09:00:00")

    assert ids(await api.list_by_type("scheduling", limit=2)) == ["d5", "d4"]


async def test_list_by_type_only_with_outcome(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "rated", rating="positive", created_at="2025-01-01 09:00:00")
    await insert(db, "open", created_at="2025-01-02 09:00:00")

    assert ids(await api.list_by_type("scheduling", only_with_outcome=True)) == ["rated"]


async def test_list_by_type_returns_recorded_decision(api: DecisionsAPI) -> None:
    context = DecisionContext(entity_ids=["team-id"], workload_level="normal")
    decision_id = await api.record_decision("scheduling", "standup", OPTIONS, context)

    [decision] = await api.list_by_type("scheduling")

    assert decision == await api.get_decision(decision_id)


@pytest.mark.parametrize(
    ("keyword", "value", "field"),
    [
        ("limit", 0, "limit"),
        ("limit", -1, "limit"),
        ("limit", True, "limit"),
        ("limit", 2.5, "limit"),
    ],
)
async def test_list_by_type_rejects_bad_limit(
    api: DecisionsAPI, keyword: str, value: object, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.list_by_type("scheduling", **{keyword: value})  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value == value


async def test_list_by_type_rejects_unknown_type(api: DecisionsAPI) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.list_by_type("meetings")

    assert caught.value.field == "decision_type"
    assert caught.value.value == "meetings"


async def test_list_by_type_rejects_empty_entity_id(api: DecisionsAPI) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.list_by_type("scheduling", entity_id="")

    assert caught.value.field == "entity_id"
    assert caught.value.value == ""


# Exact entity id matching ---------------------------------------------------------


async def test_entity_filter_does_not_match_longer_id(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "team-1 only", entity_ids=["team-1"], created_at="2025-01-01 09:00:00")
    await insert(db, "team-10 only", entity_ids=["team-10"], created_at="2025-01-02 09:00:00")
    await insert(db, "prefix-team-1", entity_ids=["x-team-1"], created_at="2025-01-03 09:00:00")

    assert ids(await api.list_by_type("scheduling", entity_id="team-1")) == ["team-1 only"]
    assert ids(await api.list_by_type("scheduling", entity_id="team-10")) == ["team-10 only"]
    assert ids(await api.list_for_entity("team-1")) == ["team-1 only"]


async def test_entity_filter_does_not_match_inside_other_values(
    api: DecisionsAPI, db: Database
) -> None:
    await db.execute(
        "INSERT INTO decisions (id, decision_type, description, options, context) "
        "VALUES ('d', 'scheduling', 'team-1 standup', '[]', ?)",
        (json.dumps({"entity_ids": ["ann"], "source_id": "team-1"}),),
    )

    assert await api.list_by_type("scheduling", entity_id="team-1") == []
    assert await api.list_for_entity("team-1") == []


async def test_entity_filter_treats_percent_literally(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "percent", entity_ids=["a%b"], created_at="2025-01-01 09:00:00")
    await insert(db, "plain", entity_ids=["axxb"], created_at="2025-01-02 09:00:00")

    assert ids(await api.list_by_type("scheduling", entity_id="a%b")) == ["percent"]
    assert await api.list_by_type("scheduling", entity_id="%") == []
    assert ids(await api.list_for_entity("a%b")) == ["percent"]
    assert await api.list_for_entity("%") == []


async def test_entity_filter_treats_underscore_literally(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "underscore", entity_ids=["a_b"], created_at="2025-01-01 09:00:00")
    await insert(db, "plain", entity_ids=["axb"], created_at="2025-01-02 09:00:00")

    assert ids(await api.list_by_type("scheduling", entity_id="a_b")) == ["underscore"]
    assert await api.list_by_type("scheduling", entity_id="_") == []
    assert ids(await api.list_for_entity("a_b")) == ["underscore"]


async def test_entity_filter_matches_any_position(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "d", entity_ids=["ann", "bob", "team-1"])

    assert ids(await api.list_by_type("scheduling", entity_id="team-1")) == ["d"]
    assert ids(await api.list_by_type("scheduling", entity_id="bob")) == ["d"]


async def test_entity_filter_with_recorded_context(api: DecisionsAPI) -> None:
    one = await api.record_decision(
        "scheduling", "standup", OPTIONS, DecisionContext(entity_ids=["team-1"])
    )
    await api.record_decision(
        "scheduling", "retro", OPTIONS, DecisionContext(entity_ids=["team-10"])
    )

    assert ids(await api.list_by_type("scheduling", entity_id="team-1")) == [one]


async def test_entity_and_outcome_filters_combine(api: DecisionsAPI, db: Database) -> None:
    await insert(
        db, "rated", entity_ids=["ann"], rating="negative", created_at="2025-01-01 09:00:00"
    )
    await insert(db, "open", entity_ids=["ann"], created_at="2025-01-02 09:00:00")
    await insert(
        db, "other", entity_ids=["bob"], rating="positive", created_at="2025-01-03 09:00:00"
    )

    decisions = await api.list_by_type("scheduling", entity_id="ann", only_with_outcome=True)

    assert ids(decisions) == ["rated"]


# list_for_entity ------------------------------------------------------------------


async def test_list_for_entity_spans_types_newest_first(api: DecisionsAPI, db: Database) -> None:
    await insert(
        db, "s", decision_type="scheduling", entity_ids=["ann"], created_at="2025-01-01 09:00:00"
    )
    await insert(
        db, "c", decision_type="communication", entity_ids=["ann"], created_at="2025-01-03 09:00:00"
    )
    await insert(
        db, "d", decision_type="delegation", entity_ids=["ann"], created_at="2025-01-02 09:00:00"
    )
    await insert(
        db, "x", decision_type="delegation", entity_ids=["bob"], created_at="2025-01-04 09:00:00"
    )

    assert ids(await api.list_for_entity("ann")) == ["c", "d", "s"]


async def test_list_for_entity_default_limit_is_ten(api: DecisionsAPI, db: Database) -> None:
    for number in range(12):
        await insert(
            db, f"d{number:02}", entity_ids=["ann"], created_at=f"2025-01-{number + 1:02} 09:00:00"
        )

    decisions = await api.list_for_entity("ann")

    assert ids(decisions) == [f"d{number:02}" for number in range(11, 1, -1)]


async def test_list_for_entity_limit(api: DecisionsAPI, db: Database) -> None:
    for number in range(3):
        await insert(
            db, f"d{number}", entity_ids=["ann"], created_at=f"2025-01-0{number + 1} 09:00:00"
        )

    assert ids(await api.list_for_entity("ann", limit=1)) == ["d2"]


async def test_list_for_entity_rejects_bad_arguments(api: DecisionsAPI) -> None:
    with pytest.raises(ValidationError) as caught_limit:
        await api.list_for_entity("ann", limit=0)
    with pytest.raises(ValidationError) as caught_entity:
        await api.list_for_entity(None)  # type: ignore[arg-type]

    assert (caught_limit.value.field, caught_limit.value.value) == ("limit", 0)
    assert (caught_entity.value.field, caught_entity.value.value) == ("entity_id", None)
