"""Records of the values plugin and the checks applied to caller input."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import attrs

from ..._errors import ValidationError
from ..._time import utc_now
from ..._validation import check_text

CATEGORIES = ("time", "relationships", "work", "personal", "financial", "health", "growth")
EVIDENCE_TYPES = ("decision", "commitment", "pattern", "explicit")

# Value names are lowercase snake_case identifiers such as work_life_balance, so one value
# cannot be stored twice under "Work-life balance" and "work_life_balance".
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MAX_NAME_LENGTH = 64
NAME_EXPECTED = (
    f"a lowercase snake_case name of at most {MAX_NAME_LENGTH} characters, "
    "such as 'work_life_balance'"
)


def check_name(field: str, value: object) -> str:
    """Return ``value`` if it is a valid value name, else raise :class:`ValidationError`."""
    if not isinstance(value, str) or len(value) > MAX_NAME_LENGTH or not _NAME.match(value):
        raise ValidationError(field, value, NAME_EXPECTED)
    return value


def check_category(value: object) -> str:
    """Return ``value`` if it is one of :data:`CATEGORIES`, else raise."""
    if not isinstance(value, str) or value not in CATEGORIES:
        raise ValidationError("category", value, f"one of {', '.join(CATEGORIES)}")
    return value


def check_optional_text(field: str, value: object) -> str | None:
    """Return ``value`` if it is None or a non-empty string, else raise."""
    return None if value is None else check_text(field, value)


def check_limit(value: object) -> int:
    """Return ``value`` if it is a positive int (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("limit", value, "a positive integer")
    return value


def _to_utc_seconds(value: object) -> object:
    # Stored instants have whole seconds in UTC, so a record read back equals the one
    # written. Anything else passes through unchanged for the validator to reject.
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC).replace(microsecond=0)
    return value


def _validate_evidence_type(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, str) or value not in EVIDENCE_TYPES:
        raise ValidationError("type", value, f"one of {', '.join(EVIDENCE_TYPES)}")


def _validate_description(_instance: object, _attribute: object, value: Any) -> None:
    check_text("description", value)


def _validate_source_id(_instance: object, _attribute: object, value: Any) -> None:
    check_optional_text("source_id", value)


def _validate_timestamp(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError("timestamp", value, "an aware datetime (with tzinfo)")


def _validate_reinforces(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, bool):
        raise ValidationError("reinforces", value, "True or False")


@attrs.frozen
class ValueEvidence:
    """One observation about a value: what showed it, where from, when, and which way.

    ``type`` is one of :data:`EVIDENCE_TYPES`. ``source_id`` is the id of the decision,
    commitment or pattern the evidence comes from, if any. ``timestamp`` is converted to
    UTC with whole seconds. ``reinforces`` is False for evidence against the value.
    """

    type: str = attrs.field(validator=_validate_evidence_type)
    description: str = attrs.field(validator=_validate_description)
    source_id: str | None = attrs.field(default=None, validator=_validate_source_id)
    timestamp: datetime = attrs.field(
        factory=utc_now, converter=_to_utc_seconds, validator=_validate_timestamp
    )
    reinforces: bool = attrs.field(default=True, validator=_validate_reinforces)


@attrs.frozen
class UserValue:
    """A stored value with its latest evidence, oldest first."""

    id: str
    name: str
    category: str
    statement: str | None
    strength: float
    stability: float
    evidence: tuple[ValueEvidence, ...]
    contradiction_count: int
    last_reinforced: datetime | None
    created_at: datetime


@attrs.frozen
class ValueConflict:
    """A recorded conflict between two values, where ``value1`` sorts before ``value2``."""

    id: str
    value1: str
    value2: str
    occurrence_count: int
    last_occurred: datetime
    last_context: str | None
    created_at: datetime


@attrs.frozen
class DetectedConflict:
    """A known conflicting pair of values that are both stronger than 0.5.

    ``occurrence_count`` is 0 and ``last_occurred`` None when the conflict was never
    recorded with :meth:`ValuesAPI.record_conflict`.
    """

    value1: str
    value2: str
    strength1: float
    strength2: float
    occurrence_count: int
    last_occurred: datetime | None


@attrs.frozen
class ValueMatch:
    """A value an action supports or conflicts with, and the keyword that matched."""

    name: str
    strength: float
    keyword: str


@attrs.frozen
class Alignment:
    """The fit of an action with the user's top values.

    ``supports`` and ``conflicts`` are ordered strongest value first.
    ``recommendation`` is None exactly when ``is_aligned`` is True.
    """

    supports: tuple[ValueMatch, ...]
    conflicts: tuple[ValueMatch, ...]
    is_aligned: bool
    recommendation: str | None

    @property
    def consistency(self) -> float | None:
        """Share of the matched strength that supports the action, 0 to 1.

        It is None when the action matches none of the user's top values, or only
        values of strength 0.
        """
        supported = sum(match.strength for match in self.supports)
        conflicting = sum(match.strength for match in self.conflicts)
        if supported + conflicting == 0:
            return None
        return round(supported / (supported + conflicting), 6)


@attrs.frozen
class ExtractionResult:
    """Values that :meth:`ValuesAPI.run_extraction` changed, by name, sorted.

    ``evidence_added`` counts the evidence items applied in this run.
    """

    updated: tuple[str, ...]
    created: tuple[str, ...]
    evidence_added: int


def evidence_to_json(evidence: ValueEvidence, instant: str) -> dict[str, Any]:
    """Return the JSON object stored for ``evidence`` with timestamp text ``instant``."""
    return {
        "type": evidence.type,
        "description": evidence.description,
        "source_id": evidence.source_id,
        "timestamp": instant,
        "reinforces": evidence.reinforces,
    }
