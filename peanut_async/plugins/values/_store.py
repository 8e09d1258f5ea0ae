"""SQL of the values plugin: the value upsert, conflict recording and row decoding.

Each write is one SQL statement, so it is atomic without an explicit transaction.
Tasks sharing a Database and processes sharing the file can upsert one value or record
one conflict at the same time, and no step or count is lost.

Strength rules of :func:`upsert_value`:

- A new value starts at 0.5 with reinforcing evidence and at 0.3 with contradicting
  evidence.
- An existing value gains 0.05 per reinforcing item and loses 0.03 per contradicting
  item, clamped to 0..1.
- Every result is rounded to 6 decimals in SQL, so repeated steps do not drift: 0.55
  plus 0.05 is stored as 0.6, not 0.6000000000000001.

Other columns: ``evidence`` keeps the newest 20 items, oldest first. ``stability`` is
the share of those items that reinforce the value, rounded to 6 decimals. Each
contradicting item adds 1 to ``contradiction_count``. ``last_reinforced`` moves only on
reinforcing evidence, to that evidence's timestamp, and never backwards.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from datetime import UTC, datetime, time
from typing import Any

from ..._errors import ValidationError
from ..._time import parse_db_time, to_db_instant
from ._keywords import KNOWN_VALUES
from ._model import UserValue, ValueConflict, ValueEvidence, evidence_to_json

log = logging.getLogger(__name__)

NEW_REINFORCED_STRENGTH = 0.5
NEW_CONTRADICTED_STRENGTH = 0.3
REINFORCE_STEP = 0.05
CONTRADICT_STEP = 0.03
EVIDENCE_CAP = 20

# The newest :cap items of the stored list with the new item appended, newest first.
_NEWEST_EVIDENCE = """
    SELECT key, value
    FROM json_each(json_insert(user_values.evidence, '$[#]', json(:item)))
    ORDER BY key DESC
    LIMIT :cap
"""

# NOTE: SQLite does not document the order in which an aggregate reads its rows, and
# ORDER BY inside json_group_array() needs SQLite 3.44. The list relies on the aggregate
# reading the ordered subquery in order, which test_upsert_keeps_newest_evidence_in_order
# checks.
UPSERT_VALUE_SQL = f"""
INSERT INTO user_values (id, name, category, statement, strength, stability, evidence,
                         contradiction_count, last_reinforced)
VALUES (:id, :name, :category, :statement, :initial_strength, :reinforces,
        json_array(json(:item)), 1 - :reinforces, :reinforced_at)
ON CONFLICT (name) DO UPDATE SET
    category = excluded.category,
    statement = coalesce(:given_statement, user_values.statement),
    strength = round(max(0.0, min(1.0, user_values.strength + :step)), 6),
    stability = (
        SELECT round(avg(json_extract(value, '$.reinforces')), 6) FROM ({_NEWEST_EVIDENCE})
    ),
    evidence = (
        SELECT json_group_array(json(value))
        FROM (SELECT key, value FROM ({_NEWEST_EVIDENCE}) ORDER BY key)
    ),
    contradiction_count = user_values.contradiction_count + 1 - :reinforces,
    last_reinforced = CASE
        WHEN :reinforces = 1
             AND (user_values.last_reinforced IS NULL
                  OR user_values.last_reinforced < :timestamp)
        THEN :timestamp
        ELSE user_values.last_reinforced
    END
RETURNING *
"""

RECORD_CONFLICT_SQL = """
INSERT INTO value_conflicts (id, value1_name, value2_name, occurrence_count,
                             last_occurred, last_context)
VALUES (:id, :value1, :value2, 1, :occurred_at, :context)
ON CONFLICT (value1_name, value2_name) DO UPDATE SET
    occurrence_count = value_conflicts.occurrence_count + 1,
    -- An occurrence recorded late, with an earlier time, changes only the count.
    last_context = CASE
        WHEN excluded.last_occurred >= value_conflicts.last_occurred
        THEN coalesce(excluded.last_context, value_conflicts.last_context)
        ELSE value_conflicts.last_context
    END,
    last_occurred = max(value_conflicts.last_occurred, excluded.last_occurred)
RETURNING *
"""


def upsert_value(
    conn: sqlite3.Connection,
    name: str,
    category: str,
    evidence: ValueEvidence,
    statement: str | None,
) -> UserValue:
    """Create value ``name`` or apply ``evidence`` to it, and return the stored row.

    A ``statement`` of None keeps the stored statement, and a new value then gets
    :func:`default_statement`.
    """
    instant = to_db_instant(evidence.timestamp, field="timestamp")
    reinforces = 1 if evidence.reinforces else 0
    params = {
        "id": str(uuid.uuid4()),
        "name": name,
        "category": category,
        "statement": statement if statement is not None else default_statement(name),
        "given_statement": statement,
        "initial_strength": (
            NEW_REINFORCED_STRENGTH if evidence.reinforces else NEW_CONTRADICTED_STRENGTH
        ),
        "step": REINFORCE_STEP if evidence.reinforces else -CONTRADICT_STEP,
        "reinforces": reinforces,
        "reinforced_at": instant if evidence.reinforces else None,
        "timestamp": instant,
        "item": json.dumps(evidence_to_json(evidence, instant)),
        "cap": EVIDENCE_CAP,
    }
    (row,) = conn.execute(UPSERT_VALUE_SQL, params).fetchall()
    log.debug("applied evidence to value row %s", row["id"])
    return row_to_value(row)


def default_statement(name: str) -> str:
    """Return the statement of a new value: from ``KNOWN_VALUES``, else its name as words."""
    known = KNOWN_VALUES.get(name)
    if known is not None:
        return known.statement
    return f"Values {name.replace('_', ' ')}."


def record_conflict(
    conn: sqlite3.Connection,
    value1: str,
    value2: str,
    occurred_at: datetime,
    context: str | None,
) -> ValueConflict:
    """Count one conflict between two values, where ``value1`` sorts before ``value2``."""
    params = {
        "id": str(uuid.uuid4()),
        "value1": value1,
        "value2": value2,
        "occurred_at": to_db_instant(occurred_at, field="occurred_at"),
        "context": context,
    }
    (row,) = conn.execute(RECORD_CONFLICT_SQL, params).fetchall()
    return row_to_conflict(row)


def row_to_value(row: sqlite3.Row) -> UserValue:
    """Decode a ``user_values`` row."""
    return UserValue(
        id=row["id"],
        name=row["name"],
        category=row["category"],
        statement=row["statement"],
        strength=row["strength"],
        stability=row["stability"],
        evidence=_decode_evidence(row["id"], row["evidence"]),
        contradiction_count=row["contradiction_count"],
        last_reinforced=_optional_instant(row["last_reinforced"]),
        created_at=to_instant(row["created_at"]),
    )


def row_to_conflict(row: sqlite3.Row) -> ValueConflict:
    """Decode a ``value_conflicts`` row."""
    return ValueConflict(
        id=row["id"],
        value1=row["value1_name"],
        value2=row["value2_name"],
        occurrence_count=row["occurrence_count"],
        last_occurred=to_instant(row["last_occurred"]),
        last_context=row["last_context"],
        created_at=to_instant(row["created_at"]),
    )


def to_instant(text: str) -> datetime:
    """Parse a stored instant. A bare date is read as midnight UTC."""
    parsed = parse_db_time(text)
    if isinstance(parsed, datetime):
        return parsed
    return datetime.combine(parsed, time(), UTC)


def _optional_instant(text: str | None) -> datetime | None:
    return None if text is None else to_instant(text)


def _decode_evidence(value_id: str, text: str) -> tuple[ValueEvidence, ...]:
    # Rows written by hand may hold items of another shape. They are skipped so the
    # value stays readable.
    items: list[ValueEvidence] = []
    skipped = 0
    for item in json.loads(text):
        try:
            items.append(_decode_item(item))
        except (TypeError, KeyError, ValueError, ValidationError):
            skipped += 1
    if skipped:
        log.warning("skipped %s malformed evidence item(s) of value row %s", skipped, value_id)
    return tuple(items)


def _decode_item(item: Any) -> ValueEvidence:
    return ValueEvidence(
        type=item["type"],
        description=item["description"],
        source_id=item.get("source_id"),
        timestamp=to_instant(item["timestamp"]),
        reinforces=bool(item.get("reinforces", True)),
    )
