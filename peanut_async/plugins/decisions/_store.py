"""Reads and writes of single decisions and filtered lists of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._entity_lists import DecisionFilters, list_for_entity, newest_first
from ._model import Decision, DecisionContext, DecisionOption, PatternMatch
from ._rows import (
    DECISION_COLUMNS,
    context_to_json,
    decision_from_row,
    options_to_json,
    pattern_match_to_json,
)

if TYPE_CHECKING:
    from ..._database import Database


async def insert_decision(
    db: Database,
    *,
    decision_type: str,
    description: str,
    options: Sequence[DecisionOption],
    context: DecisionContext,
    pattern_match: Sequence[PatternMatch],
) -> str:
    """Insert a new decision point and return its id; created_at is SQLite's clock."""
    decision_id = str(uuid.uuid4())
    await db.execute(
        "INSERT INTO decisions (id, decision_type, description, options, context, pattern_match) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            decision_id,
            decision_type,
            description,
            options_to_json(options),
            context_to_json(context),
            pattern_match_to_json(pattern_match),
        ),
    )
    return decision_id


async def get_decision(db: Database, decision_id: str) -> Decision | None:
    """Return the decision with ``decision_id``, or None."""
    sql = f"SELECT {DECISION_COLUMNS} FROM decisions AS d WHERE d.id = ?"
    row = await db.fetch_one(sql, (decision_id,))
    return None if row is None else decision_from_row(row)


async def set_choice(
    db: Database,
    decision_id: str,
    option_id: str,
    consistency: float | None,
    pattern_match: Sequence[PatternMatch],
) -> bool:
    """Store the chosen option with the current time; return False if the id is unknown."""
    changed = await db.execute(
        "UPDATE decisions SET chosen_option_id = ?, decided_at = datetime('now'), "
        "consistency_with_values = ?, pattern_match = ? WHERE id = ?",
        (option_id, consistency, pattern_match_to_json(pattern_match), decision_id),
    )
    return changed > 0


async def set_outcome(db: Database, decision_id: str, rating: str, notes: str | None) -> bool:
    """Store the outcome with the current time; return False if the id is unknown."""
    changed = await db.execute(
        "UPDATE decisions SET outcome = json_object('rating', ?, 'notes', ?, "
        "'recorded_at', datetime('now')) WHERE id = ?",
        (rating, notes, decision_id),
    )
    return changed > 0


async def list_decisions(
    db: Database,
    *,
    decision_type: str | None = None,
    entity_id: str | None = None,
    only_with_outcome: bool = False,
    limit: int | None = None,
) -> list[Decision]:
    """Return the decisions matching every given filter, newest first.

    ``entity_id`` matches an element of the context's entity_ids exactly (never a
    substring or a LIKE pattern), through the ``decision_entities`` table.
    """
    filters = DecisionFilters(decision_type, only_with_outcome)
    if entity_id is not None:
        rows = await list_for_entity(db, entity_id, filters, limit)
    else:
        where, params = filters.where("d")
        # A negative LIMIT means no limit in SQLite.
        rows = await db.fetch_all(
            f"SELECT {DECISION_COLUMNS} FROM decisions AS d {where} "
            f"ORDER BY {newest_first('d')} LIMIT ?",
            [*params, -1 if limit is None else limit],
        )
    return [decision_from_row(row) for row in rows]
