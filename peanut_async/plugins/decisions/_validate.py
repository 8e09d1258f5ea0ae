"""Checks of the arguments of the decisions API, raising ValidationError before any write."""

from __future__ import annotations

from collections.abc import Sequence

from ..._errors import ValidationError
from ._model import DECISION_TYPES, RATINGS, DecisionContext, DecisionOption, expected_one_of


def check_decision_type(value: object) -> str:
    """Return ``value`` if it is one of the seven decision types."""
    if not isinstance(value, str) or value not in DECISION_TYPES:
        raise ValidationError("decision_type", value, expected_one_of(DECISION_TYPES))
    return value


def check_optional_text(field: str, value: object) -> str | None:
    """Return ``value`` if it is a string or None."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(field, value, "a string or None")
    return value


def check_options(options: object) -> tuple[DecisionOption, ...]:
    """Return ``options`` as a tuple if it is a non-empty sequence with unique ids."""
    if isinstance(options, str) or not isinstance(options, Sequence) or not options:
        raise ValidationError("options", options, "a non-empty sequence of DecisionOption")
    seen: set[str] = set()
    for index, option in enumerate(options):
        if not isinstance(option, DecisionOption):
            raise ValidationError(f"options[{index}]", option, "a DecisionOption")
        if option.id in seen:
            raise ValidationError(f"options[{index}].id", option.id, "unique among the options")
        seen.add(option.id)
    return tuple(options)


def check_context(context: object) -> DecisionContext:
    """Return ``context``, or an empty context for None."""
    if context is None:
        return DecisionContext()
    if not isinstance(context, DecisionContext):
        raise ValidationError("context", context, "a DecisionContext or None")
    return context


def check_rating(value: object) -> str:
    """Return ``value`` if it is positive, neutral or negative."""
    if not isinstance(value, str) or value not in RATINGS:
        raise ValidationError("rating", value, expected_one_of(RATINGS))
    return value


def check_limit(field: str, value: object) -> int:
    """Return ``value`` if it is an integer of at least 1 (a bool is rejected)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(field, value, "an integer of at least 1")
    return value


def check_optional_limit(field: str, value: object) -> int | None:
    """Return ``value`` if it is None or an integer of at least 1."""
    return None if value is None else check_limit(field, value)
