"""consistency_with_values: NULL without a values plugin, else the alignment's consistency."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import attrs
import pytest

from peanut_async import Database, Plugin
from peanut_async.plugins.decisions import DecisionContext, DecisionOption, DecisionsAPI
from peanut_async.plugins.decisions._consistency import stored_consistency
from peanut_async.plugins.values import Alignment, ValueEvidence, ValueMatch

Connector = Callable[..., Awaitable[Database]]

OPTIONS = (
    DecisionOption("opt1", "9am daily", description="Keeps the team in sync"),
    DecisionOption("opt2", "2pm Mon/Wed/Fri"),
)


@attrs.frozen
class Result:
    """What a stand-in check_alignment returns: only ``consistency`` is read."""

    consistency: object = None


class StandInValuesAPI:
    """A third-party "values" plugin returning a fixed alignment and recording its calls."""

    alignment: object = Result()

    def __init__(self, db: Database) -> None:
        self.actions: list[str] = []

    async def check_alignment(self, action: str, *, is_urgent: bool = False) -> object:
        self.actions.append(action)
        return self.alignment


STAND_IN_VALUES = Plugin(name="values", tables={}, api_factory=StandInValuesAPI)


async def record_and_choose(db: Database, option_id: str) -> float | None:
    api = db.plugin("decisions", DecisionsAPI)
    decision_id = await api.record_decision("scheduling", "standup", OPTIONS, DecisionContext())
    await api.record_choice(decision_id, option_id)
    decision = await api.get_decision(decision_id)
    assert decision is not None
    return decision.consistency_with_values


# The rule: the values plugin's Alignment.consistency, 0.5 for None -------------------


@pytest.mark.parametrize(
    ("supports", "conflicts", "expected"),
    [
        ((), (), 0.5),
        ((0.8,), (), 1.0),
        ((), (0.6,), 0.0),
        # Alignment.consistency rounds to 6 decimal places.
        ((0.8, 0.4), (0.6,), 0.666667),
        ((0.3,), (0.3,), 0.5),
        ((0.0,), (0.0,), 0.5),
        ((0.9,), (0.1, 0.2), 0.75),
    ],
    ids=["neither", "supports-only", "conflicts-only", "mixed", "balanced", "zero", "three"],
)
def test_consistency_of_values_alignment(
    supports: tuple[float, ...], conflicts: tuple[float, ...], expected: float
) -> None:
    alignment = Alignment(
        supports=tuple(ValueMatch(f"s{i}", s, "keyword") for i, s in enumerate(supports)),
        conflicts=tuple(ValueMatch(f"c{i}", c, "keyword") for i, c in enumerate(conflicts)),
        is_aligned=True,
        recommendation=None,
    )

    assert stored_consistency(alignment) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    "consistency",
    [1.5, -0.1, float("nan"), True, "0.5", [0.5]],
    ids=["above-one", "negative", "nan", "bool", "text", "list"],
)
def test_consistency_invalid_value_is_null(
    consistency: object, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "peanut_async.plugins.decisions"):
        assert stored_consistency(Result(consistency)) is None

    assert "consistency_with_values is left NULL" in caplog.text


def test_consistency_missing_attribute_is_null(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "peanut_async.plugins.decisions"):
        assert stored_consistency(object()) is None

    assert "without a consistency attribute" in caplog.text


# Without a values plugin ----------------------------------------------------------


async def test_consistency_null_without_values_plugin(peanut_connect: Connector) -> None:
    db = await peanut_connect(plugins=["decisions"])

    assert await record_and_choose(db, "opt1") is None


# With a stand-in values plugin ----------------------------------------------------


@pytest.fixture
async def stand_in_db(peanut_connect: Connector) -> Database:
    return await peanut_connect(plugins=["decisions"], register=[STAND_IN_VALUES])


async def test_consistency_from_stand_in_plugin(stand_in_db: Database) -> None:
    values = stand_in_db.plugin("values", StandInValuesAPI)
    values.alignment = Result(consistency=2 / 3)

    consistency = await record_and_choose(stand_in_db, "opt1")

    assert consistency == pytest.approx(2 / 3, abs=1e-12)


async def test_consistency_checks_label_and_description(stand_in_db: Database) -> None:
    values = stand_in_db.plugin("values", StandInValuesAPI)

    await record_and_choose(stand_in_db, "opt1")
    await record_and_choose(stand_in_db, "opt2")

    assert values.actions == ["9am daily Keeps the team in sync", "2pm Mon/Wed/Fri"]


async def test_consistency_neutral_when_no_value_matches(stand_in_db: Database) -> None:
    assert await record_and_choose(stand_in_db, "opt2") == 0.5


async def test_consistency_is_stored_in_column(stand_in_db: Database) -> None:
    values = stand_in_db.plugin("values", StandInValuesAPI)
    values.alignment = Result(consistency=0.0)

    await record_and_choose(stand_in_db, "opt1")

    stored = await stand_in_db.fetch_value("SELECT consistency_with_values FROM decisions")
    assert stored == 0.0


async def test_consistency_null_when_result_out_of_range(stand_in_db: Database) -> None:
    values = stand_in_db.plugin("values", StandInValuesAPI)
    values.alignment = Result(consistency=1.5)

    assert await record_and_choose(stand_in_db, "opt1") is None


async def test_consistency_null_when_plugin_lacks_check(peanut_connect: Connector) -> None:
    bare = Plugin(name="values", tables={}, api_factory=lambda db: object())
    db = await peanut_connect(plugins=["decisions"], register=[bare])

    assert await record_and_choose(db, "opt1") is None


# With the real values plugin ------------------------------------------------------


@pytest.fixture
async def values_db(peanut_connect: Connector) -> Database:
    db = await peanut_connect(plugins=["decisions", "values"])
    values = db.plugin("values")
    explicit = ValueEvidence(type="explicit", description="said so")
    # work_life_balance: 0.5 new, +0.05 for the second reinforcing item.
    await values.upsert_value("work_life_balance", "time", explicit)
    await values.upsert_value("work_life_balance", "time", explicit)
    await values.upsert_value("work_dedication", "work", explicit)
    return db


async def choose_label(db: Database, label: str) -> float | None:
    api = db.plugin("decisions", DecisionsAPI)
    options = [DecisionOption("a", label), DecisionOption("b", "Decide later")]
    decision_id = await api.record_decision("prioritization", "tonight", options)
    await api.record_choice(decision_id, "a")
    decision = await api.get_decision(decision_id)
    assert decision is not None
    return decision.consistency_with_values


async def test_real_values_supporting_option(values_db: Database) -> None:
    assert await choose_label(values_db, "Take a day off") == 1.0


async def test_real_values_mixed_option(values_db: Database) -> None:
    # "work late" conflicts with work_life_balance (0.55) and supports work_dedication (0.5):
    # 0.5 / 1.05, which Alignment.consistency rounds to 6 decimal places.
    consistency = await choose_label(values_db, "Work late tonight")

    assert consistency == 0.47619


async def test_real_values_unmatched_option(values_db: Database) -> None:
    assert await choose_label(values_db, "9am daily") == 0.5
