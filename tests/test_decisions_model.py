"""Validation of the decisions plugin's input records, DecisionOption and DecisionContext."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from peanut_async import ValidationError
from peanut_async.plugins.decisions import Decision, DecisionContext, DecisionOption


def test_option_defaults() -> None:
    option = DecisionOption("opt1", "9am daily")

    assert option.description is None
    assert option.effort is None
    assert option.risk is None


@pytest.mark.parametrize("field", ["effort", "risk"])
@pytest.mark.parametrize("value", ["extreme", "LOW", "", 1])
def test_option_rejects_unknown_level(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionOption("opt1", "9am daily", **{field: value})  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value == value
    assert caught.value.expected == "one of 'low', 'medium', 'high' or None"


@pytest.mark.parametrize("field", ["id", "label"])
@pytest.mark.parametrize("value", ["", "   ", None, 3])
def test_option_rejects_empty_id_and_label(field: str, value: object) -> None:
    arguments: dict[str, object] = {"id": "opt1", "label": "9am daily", field: value}

    with pytest.raises(ValidationError) as caught:
        DecisionOption(**arguments)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value == value


def test_context_defaults() -> None:
    context = DecisionContext()

    assert context.entity_ids == ()
    assert context.commitment_ids == ()
    assert context.deadline is None
    assert context.workload_level is None


def test_context_converts_ids_to_tuple_without_duplicates() -> None:
    context = DecisionContext(entity_ids=["b", "a", "b"], commitment_ids=iter(["c1"]))

    assert context.entity_ids == ("b", "a")
    assert context.commitment_ids == ("c1",)


@pytest.mark.parametrize("field", ["entity_ids", "commitment_ids"])
def test_context_rejects_single_string_as_ids(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionContext(**{field: "team-id"})  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value == "team-id"


def test_context_rejects_empty_entity_id() -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionContext(entity_ids=["team-1", ""])

    assert caught.value.field == "entity_ids"
    assert caught.value.value == ["team-1", ""]


@pytest.mark.parametrize("value", ["busy", "Normal", ""])
def test_context_rejects_unknown_workload(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionContext(workload_level=value)

    assert caught.value.field == "workload_level"
    assert caught.value.value == value
    assert caught.value.expected == "one of 'light', 'normal', 'heavy' or None"


def test_context_rejects_naive_deadline() -> None:
    naive = datetime(2025, 3, 1, 9, 0)

    with pytest.raises(ValidationError) as caught:
        DecisionContext(deadline=naive)

    assert caught.value.field == "deadline"
    assert caught.value.value == naive


def test_context_normalises_deadline_to_utc_seconds() -> None:
    paris = timezone(timedelta(hours=1))

    context = DecisionContext(deadline=datetime(2025, 3, 1, 9, 0, 0, 500_000, tzinfo=paris))

    assert context.deadline == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert context.deadline is not None
    assert context.deadline.tzinfo is UTC


@pytest.mark.parametrize("field", ["preferred_time", "emotional_state", "source_type", "source_id"])
def test_context_rejects_empty_text(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionContext(**{field: ""})  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value == ""


def test_decision_chosen_option() -> None:
    options = (DecisionOption("opt1", "9am daily"), DecisionOption("opt2", "2pm"))
    created = datetime(2025, 1, 1, tzinfo=UTC)
    decision = Decision("d1", "scheduling", "standup", options, DecisionContext(), created)

    assert decision.chosen_option is None
    assert attrs.evolve(decision, chosen_option_id="opt2").chosen_option == options[1]
