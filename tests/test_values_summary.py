"""The text summary of the user's values for a language model prompt."""

from __future__ import annotations

import pytest

from peanut_async import Database, ValidationError
from peanut_async.plugins.values import ValuesAPI


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    return ["values"]


@pytest.fixture
def values(peanut_db: Database) -> ValuesAPI:
    return peanut_db.plugin("values", ValuesAPI)


async def insert(db: Database, rows: list[tuple[str, str | None, float]]) -> None:
    await db.executemany(
        "INSERT INTO user_values (name, category, statement, strength) VALUES (?, 'work', ?, ?)",
        rows,
    )


async def test_summary_without_values(values: ValuesAPI) -> None:
    assert await values.summary_for_llm() == "No values have been recorded for the user yet."


async def test_summary_lines_strongest_first(values: ValuesAPI, peanut_db: Database) -> None:
    await insert(peanut_db, [
        ("health", "Looks after their health.", 0.7),
        ("work_life_balance", "Keeps evenings free.", 0.85),
        ("learning", "Reads every week.", 0.5),
        ("family", "Puts family first.", 0.3),
    ])

    assert await values.summary_for_llm() == (
        "- strongly values work_life_balance (0.85): Keeps evenings free.\n"
        "- values health (0.70): Looks after their health.\n"
        "- somewhat values learning (0.50): Reads every week.\n"
        "- slightly values family (0.30): Puts family first."
    )


async def test_summary_wording_bounds_are_exclusive(
    values: ValuesAPI, peanut_db: Database
) -> None:
    await insert(peanut_db, [
        ("a", None, 0.800001), ("b", None, 0.8), ("c", None, 0.6), ("d", None, 0.4),
        ("e", None, 0.0),
    ])

    assert await values.summary_for_llm() == (
        "- strongly values a (0.80)\n"
        "- values b (0.80)\n"
        "- somewhat values c (0.60)\n"
        "- slightly values d (0.40)\n"
        "- slightly values e (0.00)"
    )


async def test_summary_limit(values: ValuesAPI, peanut_db: Database) -> None:
    await insert(peanut_db, [(f"value_{i}", None, i / 10) for i in range(1, 9)])

    default = (await values.summary_for_llm()).splitlines()
    two = (await values.summary_for_llm(limit=2)).splitlines()

    assert len(default) == 5
    assert two == ["- values value_8 (0.80)", "- values value_7 (0.70)"]


async def test_summary_invalid_limit(values: ValuesAPI) -> None:
    with pytest.raises(ValidationError) as raised:
        await values.summary_for_llm(limit=0)

    assert raised.value.field == "limit"
