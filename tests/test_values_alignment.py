"""Alignment of actions with the user's top values: worked examples."""

from __future__ import annotations

import pytest

from peanut_async import Database, ValidationError
from peanut_async.plugins.values import Alignment, ValueMatch, ValuesAPI


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    return ["values"]


@pytest.fixture
async def values(peanut_db: Database) -> ValuesAPI:
    # Five top values and efficiency in sixth place, outside the default top 5.
    await peanut_db.executemany(
        "INSERT INTO user_values (name, category, strength) VALUES (?, ?, ?)",
        [
            ("work_life_balance", "time", 0.85),
            ("health", "health", 0.7),
            ("work_dedication", "work", 0.6),
            ("family", "relationships", 0.55),
            ("learning", "growth", 0.45),
            ("efficiency", "work", 0.3),
        ],
    )
    return peanut_db.plugin("values", ValuesAPI)


async def test_supporting_action_is_aligned(values: ValuesAPI) -> None:
    alignment = await values.check_alignment("Go to the gym before work")

    assert alignment == Alignment(
        supports=(ValueMatch("health", 0.7, "gym"),),
        conflicts=(),
        is_aligned=True,
        recommendation=None,
    )
    assert alignment.consistency == 1.0


async def test_conflicting_action_gets_recommendation(values: ValuesAPI) -> None:
    alignment = await values.check_alignment("Skip the gym to finish the slides")

    assert alignment == Alignment(
        supports=(),
        conflicts=(ValueMatch("health", 0.7, "skip the gym"),),
        is_aligned=False,
        recommendation=(
            "Reconsider this action: it conflicts with health (0.70) "
            "and supports none of the user's top values."
        ),
    )
    assert alignment.consistency == 0.0


async def test_stronger_conflict_outweighs_support(values: ValuesAPI) -> None:
    alignment = await values.check_alignment("Work late on Friday to finish the report")

    assert alignment == Alignment(
        supports=(ValueMatch("work_dedication", 0.6, "work late"),),
        conflicts=(ValueMatch("work_life_balance", 0.85, "work late"),),
        is_aligned=False,
        recommendation=(
            "Reconsider this action: its conflicts with work_life_balance (0.85) "
            "outweigh the values it supports (work_dedication (0.60))."
        ),
    )
    assert alignment.consistency == 0.413793


async def test_stronger_support_outweighs_conflict(values: ValuesAPI) -> None:
    # health 0.7 and family 0.55 support it, and work_life_balance 0.85 conflicts.
    alignment = await values.check_alignment(
        "Late night gym session with my partner"
    )

    assert [match.name for match in alignment.supports] == ["health", "family"]
    assert [match.name for match in alignment.conflicts] == ["work_life_balance"]
    assert alignment.is_aligned is True
    assert alignment.recommendation is None


async def test_urgency_excuses_time_conflicts(values: ValuesAPI) -> None:
    alignment = await values.check_alignment(
        "Work late on Friday to finish the report", is_urgent=True
    )

    assert alignment == Alignment(
        supports=(ValueMatch("work_dedication", 0.6, "work late"),),
        conflicts=(),
        is_aligned=True,
        recommendation=None,
    )


async def test_urgency_does_not_excuse_health(values: ValuesAPI) -> None:
    alignment = await values.check_alignment("Skip the gym to finish the slides", is_urgent=True)

    assert alignment.conflicts == (ValueMatch("health", 0.7, "skip the gym"),)
    assert alignment.is_aligned is False


async def test_neutral_action_is_aligned(values: ValuesAPI) -> None:
    alignment = await values.check_alignment("Water the plants")

    assert alignment == Alignment(supports=(), conflicts=(), is_aligned=True, recommendation=None)
    assert alignment.consistency is None


async def test_only_top_values_considered(values: ValuesAPI) -> None:
    default = await values.check_alignment("Automate the weekly report")
    wider = await values.check_alignment("Automate the weekly report", limit=6)

    assert default.supports == ()
    assert wider.supports == (ValueMatch("efficiency", 0.3, "automate"),)


async def test_several_conflicts_listed_strongest_first(values: ValuesAPI) -> None:
    alignment = await values.check_alignment("Pull an all-nighter for the launch")

    assert alignment.conflicts == (
        ValueMatch("work_life_balance", 0.85, "all nighter"),
        ValueMatch("health", 0.7, "all nighter"),
    )
    assert alignment.recommendation == (
        "Reconsider this action: it conflicts with work_life_balance (0.85) and health (0.70) "
        "and supports none of the user's top values."
    )


async def test_equal_strengths_are_not_aligned(peanut_db: Database) -> None:
    await peanut_db.executemany(
        "INSERT INTO user_values (name, category, strength) VALUES (?, ?, ?)",
        [("work_life_balance", "time", 0.6), ("work_dedication", "work", 0.6)],
    )
    values = peanut_db.plugin("values", ValuesAPI)

    alignment = await values.check_alignment("Work late tonight")

    assert alignment.is_aligned is False
    assert alignment.consistency == 0.5


async def test_value_name_matches_as_words(peanut_db: Database) -> None:
    await peanut_db.execute(
        "INSERT INTO user_values (name, category, strength) VALUES ('gardening', 'personal', 0.6)"
    )
    values = peanut_db.plugin("values", ValuesAPI)

    alignment = await values.check_alignment("An afternoon of Gardening")

    assert alignment.supports == (ValueMatch("gardening", 0.6, "gardening"),)


@pytest.mark.parametrize(
    ("action", "keyword"),
    [
        ("GYM at noon", "gym"),
        ("two workouts this week", "workout"),
        ("a meditation retreat", "meditation"),
    ],
)
async def test_keyword_match_forms(values: ValuesAPI, action: str, keyword: str) -> None:
    alignment = await values.check_alignment(action)

    assert alignment.supports == (ValueMatch("health", 0.7, keyword),)


async def test_keyword_matches_whole_words_only(values: ValuesAPI) -> None:
    alignment = await values.check_alignment("Tour the gymnasium")

    assert alignment.supports == ()


async def test_empty_action_rejected(values: ValuesAPI) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.check_alignment("  ")

    assert raised.value.field == "action"
    assert raised.value.value == "  "


async def test_is_urgent_must_be_bool(values: ValuesAPI) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.check_alignment("Go to the gym", is_urgent="yes")  # type: ignore[arg-type]

    assert raised.value.field == "is_urgent"
