"""Records of the decisions plugin: options, context, outcomes and analysis results.

Every record is a frozen attrs class. The input records (:class:`DecisionOption`,
:class:`DecisionContext`) validate their fields when built and raise
:class:`~peanut_async.ValidationError` naming the field and the bad value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import attrs

from ..._errors import ValidationError

DECISION_TYPES = (
    "scheduling",
    "communication",
    "prioritization",
    "delegation",
    "resource",
    "commitment",
    "other",
)
LEVELS = ("low", "medium", "high")
WORKLOAD_LEVELS = ("light", "normal", "heavy")
RATINGS = ("positive", "neutral", "negative")


def expected_one_of(choices: Iterable[str]) -> str:
    """Return ``"one of 'a', 'b'"`` for a ValidationError's ``expected`` text."""
    return "one of " + ", ".join(repr(choice) for choice in choices)


def _non_empty_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(attribute.name, value, "a non-empty string")


def _optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValidationError(attribute.name, value, "a non-empty string or None")


def _optional_level(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value not in LEVELS:
        raise ValidationError(attribute.name, value, expected_one_of(LEVELS) + " or None")


def _optional_workload(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value not in WORKLOAD_LEVELS:
        raise ValidationError(attribute.name, value, expected_one_of(WORKLOAD_LEVELS) + " or None")


def _id_tuple(field: str, value: Iterable[str]) -> tuple[str, ...]:
    # A bare string is itself iterable, so tuple("team-1") would store one id per letter.
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(field, value, "a sequence of id strings")
    ids = tuple(value)
    for item in ids:
        if not isinstance(item, str) or not item:
            raise ValidationError(field, value, "a sequence of non-empty id strings")
    # Duplicates are dropped so that each shared id counts once in similarity scores.
    return tuple(dict.fromkeys(ids))


def _entity_ids(value: Iterable[str]) -> tuple[str, ...]:
    return _id_tuple("entity_ids", value)


def _commitment_ids(value: Iterable[str]) -> tuple[str, ...]:
    return _id_tuple("commitment_ids", value)


def _deadline(value: datetime | None) -> datetime | None:
    # Stored instants are whole seconds in UTC; normalising here makes a context read
    # back from the database equal to the one that was recorded.
    if value is None:
        return None
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError("deadline", value, "an aware datetime (with tzinfo) or None")
    return value.astimezone(UTC).replace(microsecond=0)


@attrs.frozen
class DecisionOption:
    """One option of a decision point.

    ``id`` identifies the option within its decision. ``effort`` and ``risk`` are
    ``"low"``, ``"medium"``, ``"high"`` or None.
    """

    id: str = attrs.field(validator=_non_empty_text)
    label: str = attrs.field(validator=_non_empty_text)
    description: str | None = attrs.field(default=None, validator=_optional_text)
    effort: str | None = attrs.field(default=None, validator=_optional_level)
    risk: str | None = attrs.field(default=None, validator=_optional_level)


@attrs.frozen
class DecisionContext:
    """The circumstances of a decision point.

    - ``entity_ids``, ``commitment_ids``: ids of the people and commitments involved,
      stored without duplicates.
    - ``deadline``: an aware datetime, stored in UTC to the second.
    - ``preferred_time``: the preferred time in the user's words, such as ``"morning"``.
    - ``emotional_state``: free text such as ``"stressed"``, compared exactly.
    - ``workload_level``: ``"light"``, ``"normal"`` or ``"heavy"``.
    - ``source_type``, ``source_id``: where the decision came from, such as an email.
    """

    entity_ids: tuple[str, ...] = attrs.field(default=(), converter=_entity_ids)
    commitment_ids: tuple[str, ...] = attrs.field(default=(), converter=_commitment_ids)
    deadline: datetime | None = attrs.field(default=None, converter=_deadline)
    preferred_time: str | None = attrs.field(default=None, validator=_optional_text)
    emotional_state: str | None = attrs.field(default=None, validator=_optional_text)
    workload_level: str | None = attrs.field(default=None, validator=_optional_workload)
    source_type: str | None = attrs.field(default=None, validator=_optional_text)
    source_id: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class Outcome:
    """The result of a decision, rated positive, neutral or negative, with optional notes."""

    rating: str
    notes: str | None
    recorded_at: datetime


@attrs.frozen
class PatternMatch:
    """A similar past decision (one with an outcome) and its find_similar score."""

    decision_id: str
    score: int


@attrs.frozen
class Decision:
    """A stored decision point with its choice and outcome once they are recorded.

    Timestamps are aware datetimes in UTC. ``pattern_match`` lists the most similar
    past decisions found when the decision was recorded, and found again when its choice
    was. ``consistency_with_values`` is None unless the values plugin was loaded when
    the choice was recorded.
    """

    id: str
    decision_type: str
    description: str
    options: tuple[DecisionOption, ...]
    context: DecisionContext
    created_at: datetime
    chosen_option_id: str | None = None
    decided_at: datetime | None = None
    outcome: Outcome | None = None
    pattern_match: tuple[PatternMatch, ...] = ()
    consistency_with_values: float | None = None

    @property
    def chosen_option(self) -> DecisionOption | None:
        """The chosen option, or None before a choice is recorded."""
        for option in self.options:
            if option.id == self.chosen_option_id:
                return option
        return None


@attrs.frozen
class SimilarDecision:
    """A past decision with an outcome and its similarity score to a given context."""

    decision: Decision
    score: int


@attrs.frozen
class OutcomeCounts:
    """Number of outcomes of each rating."""

    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        """Number of decisions with an outcome."""
        return self.positive + self.neutral + self.negative


@attrs.frozen
class ContextCount:
    """A context value and the number of decisions recorded with it."""

    value: str
    count: int


@attrs.frozen
class PatternAnalysis:
    """Summary of one decision type's decisions created within a window of days.

    ``mean_minutes_to_decide`` averages the time from creation to choice over the
    ``decided_count`` decisions with a choice, and is None when there is none. The
    ``common_*`` tuples list the most frequent values first.
    """

    decision_type: str
    window_days: int
    count: int
    decided_count: int
    mean_minutes_to_decide: float | None
    outcomes: OutcomeCounts
    common_emotional_states: tuple[ContextCount, ...]
    common_workload_levels: tuple[ContextCount, ...]


@attrs.frozen
class Suggestion:
    """The suggested option for a new decision, or None with the reason in ``reasoning``.

    ``data_points`` and ``positive_count`` count the similar past decisions in which the
    suggested option's label was chosen, and those of them with a positive outcome.
    ``confidence`` is between 0 and 1; see :meth:`DecisionsAPI.suggest_option`.
    """

    option: DecisionOption | None
    confidence: float
    reasoning: str
    similar_count: int
    data_points: int = 0
    positive_count: int = 0
