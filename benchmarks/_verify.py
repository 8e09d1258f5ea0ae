"""Row counts and a content digest of each table a calendar ingest writes.

Ids are random and timestamps are the clock's, so the digest covers every other column,
with each reference replaced by what it points to (an email address, an event's UID).
Two databases with equal digests hold the same rows.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import attrs

CALENDAR_TABLES = (
    "entities",
    "entity_attributes",
    "commitments",
    "calendar_events",
    "commitment_participants",
)

_EMAIL_OF = (
    "(SELECT attribute_value FROM entity_attributes "
    "WHERE entity_id = {} AND attribute_type = 'email')"
)
_CONTENT_QUERIES = {
    "entities": (
        "SELECT canonical_name, entity_type, merge_history, community_id, activation, "
        f"last_accessed, {_EMAIL_OF.format('entities.id')} FROM entities"
    ),
    "entity_attributes": (
        f"SELECT {_EMAIL_OF.format('a.entity_id')}, attribute_type, attribute_value, "
        "confidence, source_assertion_id FROM entity_attributes AS a"
    ),
    "commitments": (
        "SELECT e.source, e.uid, e.recurrence_id, c.source_id = e.id, c.type, c.description, "
        f"{_EMAIL_OF.format('c.owner_entity_id')}, c.counterparty_entity_id, c.due_date, "
        "c.end_date, c.status, c.source_type, c.source_timestamp, c.completed_at, "
        "c.reminder_sent FROM commitments AS c "
        "LEFT JOIN calendar_events AS e ON e.commitment_id = c.id"
    ),
    "calendar_events": (
        "SELECT source, uid, recurrence_id, sequence, content_hash, description, location, "
        "meeting_url, recurrence_rule, organizer_email, event_status, all_day "
        "FROM calendar_events"
    ),
    "commitment_participants": (
        f"SELECT e.source, e.uid, e.recurrence_id, {_EMAIL_OF.format('p.entity_id')}, "
        "p.response_status FROM commitment_participants AS p "
        "LEFT JOIN calendar_events AS e ON e.commitment_id = p.commitment_id"
    ),
}


@attrs.frozen
class StoredRows:
    """Row counts and content digests of the calendar tables of one database."""

    counts: dict[str, int]
    digests: dict[str, str]


def stored_rows(path: Path) -> StoredRows:
    """Read the row counts and content digests of every calendar table of ``path``."""
    connection = sqlite3.connect(path)
    try:
        counts = {}
        digests = {}
        for table in CALENDAR_TABLES:
            rows = connection.execute(_CONTENT_QUERIES[table]).fetchall()
            counts[table] = len(rows)
            # repr() keeps None, numbers and text apart; sorting removes insertion order.
            text = "\n".join(sorted(repr(row) for row in rows))
            digests[table] = hashlib.sha256(text.encode()).hexdigest()[:16]
        return StoredRows(counts, digests)
    finally:
        connection.close()
