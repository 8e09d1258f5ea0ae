"""Recording value conflicts and detecting known conflicting pairs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peanut_async import Database, ValidationError
from peanut_async.plugins.values import KNOWN_CONFLICTS, DetectedConflict, ValuesAPI

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    return ["values"]


@pytest.fixture
def values(peanut_db: Database) -> ValuesAPI:
    return peanut_db.plugin("values", ValuesAPI)


async def set_strengths(db: Database, strengths: dict[str, float]) -> None:
    await db.executemany(
        "INSERT INTO user_values (name, category, strength) VALUES (?, 'work', ?)",
        list(strengths.items()),
    )


async def count_conflicts(db: Database) -> int:
    return int(await db.fetch_value("SELECT count(*) FROM value_conflicts"))


# record_conflict -------------------------------------------------------------------------


async def test_record_conflict_stores_sorted_pair(values: ValuesAPI) -> None:
    conflict = await values.record_conflict(
        "work_life_balance", "work_dedication", "stayed for the release", occurred_at=T0
    )

    assert conflict.value1 == "work_dedication"
    assert conflict.value2 == "work_life_balance"
    assert conflict.occurrence_count == 1
    assert conflict.last_occurred == T0
    assert conflict.last_context == "stayed for the release"


async def test_record_conflict_either_order_one_row(values: ValuesAPI, peanut_db: Database) -> None:
    await values.record_conflict("work_life_balance", "work_dedication")

    conflict = await values.record_conflict("work_dedication", "work_life_balance")

    assert conflict.occurrence_count == 2
    assert await count_conflicts(peanut_db) == 1


async def test_record_conflict_updates_last_occurrence(values: ValuesAPI) -> None:
    later = T0 + timedelta(days=2)
    await values.record_conflict("a", "b", "first", occurred_at=T0)

    conflict = await values.record_conflict("a", "b", "second", occurred_at=later)

    assert conflict.last_occurred == later
    assert conflict.last_context == "second"


async def test_record_conflict_without_context_keeps_last(values: ValuesAPI) -> None:
    await values.record_conflict("a", "b", "first", occurred_at=T0)

    conflict = await values.record_conflict("a", "b", occurred_at=T0 + timedelta(hours=1))

    assert conflict.last_context == "first"


async def test_record_conflict_late_occurrence_only_counts(values: ValuesAPI) -> None:
    await values.record_conflict("a", "b", "recent", occurred_at=T0)

    conflict = await values.record_conflict("a", "b", "old", occurred_at=T0 - timedelta(days=5))

    assert conflict.occurrence_count == 2
    assert conflict.last_occurred == T0
    assert conflict.last_context == "recent"


async def test_record_conflict_default_time_is_now(values: ValuesAPI) -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    conflict = await values.record_conflict("a", "b")

    assert before <= conflict.last_occurred <= datetime.now(UTC)


async def test_value_conflicting_with_itself(values: ValuesAPI, peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.record_conflict("health", "health")

    assert raised.value.field == "value2"
    assert raised.value.value == "health"
    assert await count_conflicts(peanut_db) == 0


@pytest.mark.parametrize(
    ("value1", "value2", "field", "value"),
    [
        ("Health", "family", "value1", "Health"),
        ("health", "", "value2", ""),
        ("health", None, "value2", None),
    ],
)
async def test_record_conflict_invalid_name(
    values: ValuesAPI, peanut_db: Database, value1: str, value2: str, field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.record_conflict(value1, value2)

    assert raised.value.field == field
    assert raised.value.value == value
    assert await count_conflicts(peanut_db) == 0


async def test_record_conflict_naive_time(values: ValuesAPI, peanut_db: Database) -> None:
    naive = datetime(2026, 3, 1, 9, 0)

    with pytest.raises(ValidationError) as raised:
        await values.record_conflict("a", "b", occurred_at=naive)

    assert raised.value.field == "occurred_at"
    assert raised.value.value == naive
    assert await count_conflicts(peanut_db) == 0


async def test_record_conflict_empty_context(values: ValuesAPI, peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.record_conflict("a", "b", "")

    assert raised.value.field == "context"
    assert await count_conflicts(peanut_db) == 0


async def test_list_conflicts_most_frequent_first(values: ValuesAPI) -> None:
    await values.record_conflict("c", "d")
    await values.record_conflict("a", "b")
    await values.record_conflict("e", "f")
    await values.record_conflict("f", "e")

    listed = [(c.value1, c.value2, c.occurrence_count) for c in await values.list_conflicts()]

    assert listed == [("e", "f", 2), ("a", "b", 1), ("c", "d", 1)]


# detect_conflicts ------------------------------------------------------------------------


async def test_detect_known_pairs_table() -> None:
    assert KNOWN_CONFLICTS == (
        ("work_dedication", "work_life_balance"),
        ("quality_over_speed", "efficiency"),
        ("helping_others", "time_efficiency"),
        ("reliability", "flexibility"),
    )


async def test_detect_nothing_without_values(values: ValuesAPI) -> None:
    assert await values.detect_conflicts() == []


async def test_detect_both_strong_with_counts(values: ValuesAPI, peanut_db: Database) -> None:
    await set_strengths(peanut_db, {
        "work_dedication": 0.8, "work_life_balance": 0.7,
        "quality_over_speed": 0.9, "efficiency": 0.6,
        "helping_others": 0.9, "time_efficiency": 0.3,
    })
    await values.record_conflict("work_life_balance", "work_dedication", occurred_at=T0)
    await values.record_conflict("work_dedication", "work_life_balance", occurred_at=T0)

    detected = await values.detect_conflicts()

    assert detected == [
        DetectedConflict("work_dedication", "work_life_balance", 0.8, 0.7, 2, T0),
        DetectedConflict("efficiency", "quality_over_speed", 0.6, 0.9, 0, None),
    ]


async def test_detect_threshold_is_exclusive(values: ValuesAPI, peanut_db: Database) -> None:
    await set_strengths(peanut_db, {
        "reliability": 0.5, "flexibility": 0.9,
        "work_dedication": 0.500001, "work_life_balance": 0.500001,
    })

    detected = await values.detect_conflicts()

    assert [(c.value1, c.value2) for c in detected] == [
        ("work_dedication", "work_life_balance"),
    ]


async def test_detect_one_value_missing(values: ValuesAPI, peanut_db: Database) -> None:
    await set_strengths(peanut_db, {"reliability": 0.9})
    await values.record_conflict("reliability", "flexibility")

    assert await values.detect_conflicts() == []


async def test_detect_extra_pairs_argument(values: ValuesAPI, peanut_db: Database) -> None:
    await set_strengths(peanut_db, {"family": 0.9, "work_dedication": 0.8})

    detected = await values.detect_conflicts(extra_pairs=[("work_dedication", "family")])

    assert detected == [DetectedConflict("family", "work_dedication", 0.9, 0.8, 0, None)]
    assert await values.detect_conflicts() == []


async def test_detect_extended_conflict_pairs(values: ValuesAPI, peanut_db: Database) -> None:
    await set_strengths(peanut_db, {"family": 0.9, "work_dedication": 0.8})
    values.conflict_pairs = (*values.conflict_pairs, ("family", "work_dedication"))

    detected = await values.detect_conflicts()

    assert [(c.value1, c.value2) for c in detected] == [("family", "work_dedication")]


async def test_detect_repeated_pair_reported_once(values: ValuesAPI, peanut_db: Database) -> None:
    await set_strengths(peanut_db, {"reliability": 0.9, "flexibility": 0.8})

    detected = await values.detect_conflicts(extra_pairs=[("flexibility", "reliability")])

    assert len(detected) == 1


async def test_detect_invalid_extra_pair(values: ValuesAPI) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.detect_conflicts(extra_pairs=[("family", "family")])

    assert raised.value.field == "value2"
    assert raised.value.value == "family"


async def test_detect_extra_pair_not_a_pair(values: ValuesAPI) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.detect_conflicts(extra_pairs=[("family",)])  # type: ignore[list-item]

    assert raised.value.field == "pair"
    assert raised.value.value == ("family",)
