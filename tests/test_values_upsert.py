"""The values plugin's upsert: strength steps, clamping, evidence cap, validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from peanut_async import Database, NotFoundError, ValidationError
from peanut_async.plugins.values import KNOWN_VALUES, UserValue, ValueEvidence, ValuesAPI

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    return ["values"]


@pytest.fixture
def values(peanut_db: Database) -> ValuesAPI:
    return peanut_db.plugin("values", ValuesAPI)


def reinforcing(description: str = "chose the gym", at: datetime = T0) -> ValueEvidence:
    return ValueEvidence("explicit", description, timestamp=at)


def contradicting(description: str = "skipped the gym", at: datetime = T0) -> ValueEvidence:
    return ValueEvidence("explicit", description, timestamp=at, reinforces=False)


async def upsert_many(values: ValuesAPI, evidence: list[ValueEvidence]) -> list[UserValue]:
    return [await values.upsert_value("health", "health", item) for item in evidence]


async def count_rows(db: Database) -> int:
    return int(await db.fetch_value("SELECT count(*) FROM user_values"))


# New values ----------------------------------------------------------------------------


async def test_new_value_with_reinforcing_evidence(values: ValuesAPI) -> None:
    evidence = ValueEvidence("decision", "went to the gym", source_id="d1", timestamp=T0)

    value = await values.upsert_value("health", "health", evidence)

    assert value.name == "health"
    assert value.category == "health"
    assert value.statement == KNOWN_VALUES["health"].statement
    assert value.strength == 0.5
    assert value.stability == 1.0
    assert value.contradiction_count == 0
    assert value.evidence == (evidence,)
    assert value.last_reinforced == T0


async def test_new_value_with_contradicting_evidence(values: ValuesAPI) -> None:
    value = await values.upsert_value("health", "health", contradicting())

    assert value.strength == 0.3
    assert value.stability == 0.0
    assert value.contradiction_count == 1
    assert value.last_reinforced is None


async def test_new_unknown_value_statement_from_name(values: ValuesAPI) -> None:
    value = await values.upsert_value("weekend_gardening", "personal", reinforcing())

    assert value.statement == "Values weekend gardening."


async def test_upsert_returns_what_get_value_reads(values: ValuesAPI) -> None:
    written = await values.upsert_value("health", "health", reinforcing())

    assert await values.get_value("health") == written


async def test_get_value_missing_raises_not_found(values: ValuesAPI) -> None:
    with pytest.raises(NotFoundError) as raised:
        await values.get_value("health")

    assert raised.value.kind == "value"
    assert raised.value.key == "health"


# Strength steps ------------------------------------------------------------------------


async def test_reinforcing_evidence_adds_0_05(values: ValuesAPI) -> None:
    *_, value = await upsert_many(values, [reinforcing(), reinforcing()])

    assert value.strength == 0.55


async def test_contradicting_evidence_subtracts_0_03(values: ValuesAPI) -> None:
    *_, value = await upsert_many(values, [reinforcing(), contradicting()])

    assert value.strength == 0.47


async def test_strength_reaches_one_and_stays(values: ValuesAPI) -> None:
    written = await upsert_many(values, [reinforcing() for _ in range(13)])

    strengths = [value.strength for value in written]
    assert strengths == [
        0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.0, 1.0,
    ]


async def test_strength_reaches_zero_and_stays(values: ValuesAPI) -> None:
    written = await upsert_many(values, [contradicting() for _ in range(13)])

    strengths = [value.strength for value in written]
    assert strengths == [
        0.3, 0.27, 0.24, 0.21, 0.18, 0.15, 0.12, 0.09, 0.06, 0.03, 0.0, 0.0, 0.0,
    ]


async def test_strength_after_clamp_steps_from_bound(values: ValuesAPI) -> None:
    ups = [reinforcing() for _ in range(12)]
    *_, value = await upsert_many(values, [*ups, contradicting()])

    assert value.strength == 0.97


async def test_strength_rounded_to_six_decimals(values: ValuesAPI, peanut_db: Database) -> None:
    # Unrounded, these steps sum to 0.6300000000000001 in binary floating point.
    # Rounding every step to 6 decimals in SQL stores the double nearest to 0.63.
    pattern = [True, False, True, True, False, False, True, False, True]
    evidence = [reinforcing() if up else contradicting() for up in pattern]
    await values.upsert_value("health", "health", reinforcing())

    *_, value = await upsert_many(values, evidence)

    assert value.strength == 0.63
    stored = await peanut_db.fetch_value("SELECT strength FROM user_values")
    assert stored == 0.63


# Evidence, contradictions, last_reinforced --------------------------------------------


async def test_upsert_keeps_newest_evidence_in_order(values: ValuesAPI) -> None:
    evidence = [reinforcing(f"item {i}", T0 + timedelta(minutes=i)) for i in range(25)]

    *_, value = await upsert_many(values, evidence)

    assert [item.description for item in value.evidence] == [f"item {i}" for i in range(5, 25)]
    assert value.evidence == tuple(evidence[5:])


async def test_contradictions_counted(values: ValuesAPI) -> None:
    pattern = [contradicting(), reinforcing(), contradicting(), reinforcing(), contradicting()]

    *_, value = await upsert_many(values, pattern)

    assert value.contradiction_count == 3


async def test_stability_is_share_of_reinforcing_kept_items(values: ValuesAPI) -> None:
    # Of 25 items every third contradicts. The newest 20 (items 5..24) keep 7
    # contradicting ones (6, 9, ..., 24).
    evidence = [
        ValueEvidence("explicit", f"item {i}", timestamp=T0, reinforces=i % 3 != 0)
        for i in range(25)
    ]

    *_, value = await upsert_many(values, evidence)

    assert value.stability == 0.65
    assert value.contradiction_count == 9


async def test_last_reinforced_ignores_contradicting_evidence(values: ValuesAPI) -> None:
    later = T0 + timedelta(days=1)

    *_, value = await upsert_many(values, [reinforcing(at=T0), contradicting(at=later)])

    assert value.last_reinforced == T0


async def test_last_reinforced_never_moves_back(values: ValuesAPI) -> None:
    earlier = T0 - timedelta(days=1)

    *_, value = await upsert_many(values, [reinforcing(at=T0), reinforcing(at=earlier)])

    assert value.last_reinforced == T0


async def test_last_reinforced_set_by_first_reinforcement(values: ValuesAPI) -> None:
    later = T0 + timedelta(hours=2)

    *_, value = await upsert_many(values, [contradicting(at=T0), reinforcing(at=later)])

    assert value.last_reinforced == later


async def test_evidence_timestamp_stored_in_utc_seconds(values: ValuesAPI) -> None:
    local = datetime(2026, 3, 1, 11, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))

    value = await values.upsert_value("health", "health", reinforcing(at=local))

    assert value.evidence[0].timestamp == T0
    assert value.last_reinforced == T0


async def test_stored_evidence_item_shape(values: ValuesAPI, peanut_db: Database) -> None:
    evidence = ValueEvidence("commitment", "kept a promise", source_id="c1", timestamp=T0)
    await values.upsert_value("reliability", "personal", evidence)

    stored = await peanut_db.fetch_value("SELECT evidence FROM user_values")

    assert stored == (
        '[{"type":"commitment","description":"kept a promise","source_id":"c1",'
        '"timestamp":"2026-03-01 09:00:00","reinforces":true}]'
    )


# Category and statement ---------------------------------------------------------------


async def test_upsert_replaces_category(values: ValuesAPI) -> None:
    await values.upsert_value("health", "health", reinforcing())

    value = await values.upsert_value("health", "personal", reinforcing())

    assert value.category == "personal"


async def test_upsert_without_statement_keeps_it(values: ValuesAPI) -> None:
    await values.upsert_value("health", "health", reinforcing(), statement="Sleeps eight hours.")

    value = await values.upsert_value("health", "health", reinforcing())

    assert value.statement == "Sleeps eight hours."


async def test_upsert_with_statement_replaces_it(values: ValuesAPI) -> None:
    await values.upsert_value("health", "health", reinforcing())

    value = await values.upsert_value("health", "health", reinforcing(), statement="Runs daily.")

    assert value.statement == "Runs daily."


# Listing --------------------------------------------------------------------------------


async def seed_strengths(db: Database) -> None:
    await db.executemany(
        "INSERT INTO user_values (name, category, strength) VALUES (?, ?, ?)",
        [
            ("health", "health", 0.7),
            ("family", "relationships", 0.9),
            ("learning", "growth", 0.7),
            ("efficiency", "work", 0.2),
            ("reliability", "personal", 0.55),
            ("work_dedication", "work", 0.6),
        ],
    )


async def test_list_values_strongest_first(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_strengths(peanut_db)

    listed = [value.name for value in await values.list_values()]

    assert listed == [
        "family", "health", "learning", "work_dedication", "reliability", "efficiency",
    ]


async def test_top_values_limit(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_strengths(peanut_db)

    assert [value.name for value in await values.top_values()] == [
        "family", "health", "learning", "work_dedication", "reliability",
    ]
    assert [value.name for value in await values.top_values(2)] == ["family", "health"]


async def test_values_by_category(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_strengths(peanut_db)

    work = await values.values_by_category("work")

    assert [value.name for value in work] == ["work_dedication", "efficiency"]
    assert await values.values_by_category("financial") == []


async def test_list_values_empty(values: ValuesAPI) -> None:
    assert await values.list_values() == []


# Invalid input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["", "Health", "work-life", "work life", "1health", "_health", "health_", "a__b", "a" * 65,
     None],
    ids=["empty", "upper", "hyphen", "space", "digit-first", "lead-underscore",
         "trail-underscore", "double-underscore", "too-long", "none"],
)
async def test_upsert_invalid_name_writes_nothing(
    values: ValuesAPI, peanut_db: Database, name: object
) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.upsert_value(name, "health", reinforcing())  # type: ignore[arg-type]

    assert raised.value.field == "name"
    assert raised.value.value == name
    assert await count_rows(peanut_db) == 0


async def test_upsert_unknown_category_writes_nothing(
    values: ValuesAPI, peanut_db: Database
) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.upsert_value("health", "wellness", reinforcing())

    assert raised.value.field == "category"
    assert raised.value.value == "wellness"
    assert await count_rows(peanut_db) == 0


async def test_upsert_evidence_of_wrong_type(values: ValuesAPI, peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.upsert_value("health", "health", {"type": "explicit"})  # type: ignore[arg-type]

    assert raised.value.field == "evidence"
    assert await count_rows(peanut_db) == 0


async def test_upsert_empty_statement(values: ValuesAPI, peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.upsert_value("health", "health", reinforcing(), statement=" ")

    assert raised.value.field == "statement"
    assert await count_rows(peanut_db) == 0


async def test_invalid_upsert_leaves_existing_value(values: ValuesAPI) -> None:
    before = await values.upsert_value("health", "health", reinforcing())

    with pytest.raises(ValidationError):
        await values.upsert_value("health", "fitness", reinforcing())

    assert await values.get_value("health") == before


async def test_top_values_invalid_limit(values: ValuesAPI) -> None:
    for limit in (0, -1, True, 2.0):
        with pytest.raises(ValidationError) as raised:
            await values.top_values(limit)  # type: ignore[arg-type]
        assert raised.value.field == "limit"
        assert raised.value.value == limit


async def test_values_by_unknown_category(values: ValuesAPI) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.values_by_category("fun")

    assert raised.value.field == "category"
    assert raised.value.value == "fun"
