"""Conversion between decision records and the JSON and text stored in the decisions table."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..._time import parse_db_time, to_db_instant
from ._model import Decision, DecisionContext, DecisionOption, Outcome, PatternMatch

# Every column of the decisions table, qualified with the alias "d".
DECISION_COLUMNS = (
    "d.id, d.decision_type, d.description, d.options, d.chosen_option_id, d.context, "
    "d.outcome, d.created_at, d.decided_at, d.pattern_match, d.consistency_with_values"
)


def options_to_json(options: Sequence[DecisionOption]) -> str:
    """Encode options as the stored JSON list of {id, label, description, effort, risk}."""
    return json.dumps(
        [
            {
                "id": option.id,
                "label": option.label,
                "description": option.description,
                "effort": option.effort,
                "risk": option.risk,
            }
            for option in options
        ]
    )


def options_from_json(text: str) -> tuple[DecisionOption, ...]:
    """Decode the stored options JSON."""
    return tuple(
        DecisionOption(
            id=item["id"],
            label=item["label"],
            description=item.get("description"),
            effort=item.get("effort"),
            risk=item.get("risk"),
        )
        for item in json.loads(text)
    )


def context_to_json(context: DecisionContext) -> str:
    """Encode a context as the stored JSON object; the keys are the field names."""
    deadline = None if context.deadline is None else to_db_instant(context.deadline)
    return json.dumps(
        {
            "entity_ids": list(context.entity_ids),
            "commitment_ids": list(context.commitment_ids),
            "deadline": deadline,
            "preferred_time": context.preferred_time,
            "emotional_state": context.emotional_state,
            "workload_level": context.workload_level,
            "source_type": context.source_type,
            "source_id": context.source_id,
        }
    )


def context_from_json(text: str | None) -> DecisionContext:
    """Decode a stored context; missing keys take their defaults."""
    data: dict[str, Any] = json.loads(text) if text else {}
    deadline = data.get("deadline")
    return DecisionContext(
        entity_ids=data.get("entity_ids") or (),
        commitment_ids=data.get("commitment_ids") or (),
        deadline=None if deadline is None else _instant(deadline),
        preferred_time=data.get("preferred_time"),
        emotional_state=data.get("emotional_state"),
        workload_level=data.get("workload_level"),
        source_type=data.get("source_type"),
        source_id=data.get("source_id"),
    )


def pattern_match_to_json(matches: Sequence[PatternMatch]) -> str:
    """Encode similar past decisions as the stored JSON list of {id, score}."""
    return json.dumps([{"id": match.decision_id, "score": match.score} for match in matches])


def decision_from_row(row: sqlite3.Row) -> Decision:
    """Build a :class:`Decision` from a row selected with :data:`DECISION_COLUMNS`."""
    return Decision(
        id=row["id"],
        decision_type=row["decision_type"],
        description=row["description"],
        options=options_from_json(row["options"]),
        context=context_from_json(row["context"]),
        created_at=_instant(row["created_at"]),
        chosen_option_id=row["chosen_option_id"],
        decided_at=None if row["decided_at"] is None else _instant(row["decided_at"]),
        outcome=_outcome_from_json(row["outcome"]),
        pattern_match=_pattern_match_from_json(row["pattern_match"]),
        consistency_with_values=row["consistency_with_values"],
    )


def _outcome_from_json(text: str | None) -> Outcome | None:
    if text is None:
        return None
    data = json.loads(text)
    return Outcome(
        rating=data["rating"],
        notes=data.get("notes"),
        recorded_at=_instant(data["recorded_at"]),
    )


def _pattern_match_from_json(text: str | None) -> tuple[PatternMatch, ...]:
    if text is None:
        return ()
    return tuple(PatternMatch(item["id"], item["score"]) for item in json.loads(text))


def _instant(text: str) -> datetime:
    value = parse_db_time(text)
    if not isinstance(value, datetime):
        raise ValueError(f"stored instant {text!r} is a date, not a date and time")
    return value
