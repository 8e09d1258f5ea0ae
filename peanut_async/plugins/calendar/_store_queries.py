"""Meeting queries: upcoming meetings, one person's meetings, completing past meetings.

Every bound comes from SQLite's own ``datetime('now')``, so the library and the
database never disagree about the current time. Stored times are compared through
``datetime(column)``, which turns every form SQLite understands (``'YYYY-MM-DD'``,
``'YYYY-MM-DDTHH:MM:SSZ'``, offsets) into the canonical text. The schema's CHECK
constraints already reject other forms, so this only matters for rows written with
those checks disabled. A plain range on the raw column, widened to whole days, comes
first so the ``(type, due_date)`` and ``(status, due_date)`` indexes still narrow the
search.

NOTE: an all-day meeting is compared as starting and ending at midnight UTC of its
dates, because a stored date carries no time zone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime

import attrs

from ..._time import parse_db_time
from ._store_write import SOURCE_TYPE

_MEETING_COLUMNS = (
    "c.id, c.description, c.due_date, c.end_date, c.status, c.owner_entity_id, "
    "e.location, e.meeting_url, e.all_day"
)
_IN_WINDOW = (
    "c.type = 'meeting' AND c.due_date >= date(:low) AND c.due_date < date(:high, '+1 day') "
    "AND datetime(c.due_date) >= :low AND datetime(c.due_date) < :high"
)
_JOIN_EVENT = (
    f"LEFT JOIN calendar_events AS e ON e.commitment_id = c.id AND c.source_type = '{SOURCE_TYPE}'"
)
# Each branch uses an index: (entity_id, response_status) and owner_entity_id.
_COMMITMENTS_OF_ENTITY = (
    "SELECT commitment_id FROM commitment_participants WHERE entity_id = :entity "
    "UNION SELECT id FROM commitments WHERE owner_entity_id = :entity"
)
_PARTICIPANT_CHUNK = 900


@attrs.frozen
class MeetingAttendee:
    """A participant of a meeting: the person entity, its name and address, its response."""

    entity_id: str
    name: str
    email: str | None
    response_status: str


@attrs.frozen
class Meeting:
    """A meeting commitment with its calendar details and attendees.

    ``start`` and ``end`` are aware UTC datetimes, or dates for an all-day meeting (its
    end date is exclusive, as in iCalendar). ``status`` is the commitment's: open,
    completed, broken or cancelled.
    """

    commitment_id: str
    title: str
    start: datetime | date
    end: datetime | date | None
    all_day: bool
    status: str
    location: str | None
    meeting_url: str | None
    organizer_entity_id: str | None
    attendees: tuple[MeetingAttendee, ...]


def upcoming(conn: sqlite3.Connection, modifier: str, statuses: Sequence[str]) -> list[Meeting]:
    """Return meetings starting from now until ``datetime('now', modifier)``, by start."""
    low, high = _bounds(conn, modifier)
    rows = conn.execute(
        f"SELECT {_MEETING_COLUMNS} FROM commitments AS c {_JOIN_EVENT} "
        f"WHERE {_IN_WINDOW} AND c.status IN (SELECT value FROM json_each(:statuses)) "
        "ORDER BY datetime(c.due_date), c.id",
        {"low": low, "high": high, "statuses": _json_list(statuses)},
    ).fetchall()
    return _meetings(conn, rows, exclude=None)


def meetings_for_entity(
    conn: sqlite3.Connection, entity_id: str, modifier: str, statuses: Sequence[str]
) -> list[Meeting] | None:
    """Return the entity's meetings starting from now until ``datetime('now', modifier)``.

    The entity counts when it is a participant or the organizer. Each meeting lists
    the other attendees only. Returns None when no entity has ``entity_id``.
    """
    if conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is None:
        return None
    low, high = _bounds(conn, modifier)
    rows = conn.execute(
        f"SELECT {_MEETING_COLUMNS} FROM commitments AS c {_JOIN_EVENT} "
        f"WHERE c.id IN ({_COMMITMENTS_OF_ENTITY}) AND {_IN_WINDOW} "
        "AND c.status IN (SELECT value FROM json_each(:statuses)) "
        "ORDER BY datetime(c.due_date), c.id",
        {"entity": entity_id, "low": low, "high": high, "statuses": _json_list(statuses)},
    ).fetchall()
    return _meetings(conn, rows, exclude=entity_id)


def complete_past_meetings(conn: sqlite3.Connection) -> int:
    """Mark open meetings that have ended as completed at their end, and return how many.

    A meeting with no end counts as ended at its start.
    """
    cursor = conn.execute(
        "UPDATE commitments SET status = 'completed', "
        "completed_at = datetime(coalesce(end_date, due_date)) "
        "WHERE status = 'open' AND type = 'meeting' AND due_date < date('now', '+1 day') "
        "AND datetime(coalesce(end_date, due_date)) <= datetime('now')"
    )
    return cursor.rowcount


def _bounds(conn: sqlite3.Connection, modifier: str) -> tuple[str, str]:
    # Read once, so every row is compared with the same instant.
    low, high = conn.execute("SELECT datetime('now'), datetime('now', ?)", (modifier,)).fetchone()
    return str(low), str(high)


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values))


def _meetings(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], exclude: str | None
) -> list[Meeting]:
    attendees = _attendees(conn, [row[0] for row in rows], exclude)
    meetings = []
    for commitment_id, title, due, end, status, owner, location, url, all_day in rows:
        start = parse_db_time(due)
        meetings.append(
            Meeting(
                commitment_id=commitment_id,
                title=title,
                start=start,
                end=None if end is None else parse_db_time(end),
                all_day=bool(all_day) if all_day is not None else not isinstance(start, datetime),
                status=status,
                location=location,
                meeting_url=url,
                organizer_entity_id=owner,
                attendees=tuple(attendees.get(commitment_id, ())),
            )
        )
    return meetings


def _attendees(
    conn: sqlite3.Connection, commitment_ids: Sequence[str], exclude: str | None
) -> dict[str, list[MeetingAttendee]]:
    found: dict[str, list[MeetingAttendee]] = {}
    for offset in range(0, len(commitment_ids), _PARTICIPANT_CHUNK):
        chunk = commitment_ids[offset : offset + _PARTICIPANT_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT p.commitment_id, p.entity_id, n.canonical_name, "
            "(SELECT min(a.attribute_value) FROM entity_attributes AS a "
            " WHERE a.entity_id = p.entity_id AND a.attribute_type = 'email'), "
            "p.response_status FROM commitment_participants AS p "
            "JOIN entities AS n ON n.id = p.entity_id "
            f"WHERE p.commitment_id IN ({marks}) ORDER BY n.canonical_name, p.entity_id",
            chunk,
        )
        for commitment_id, entity_id, name, email, status in rows:
            if entity_id != exclude:
                found.setdefault(commitment_id, []).append(
                    MeetingAttendee(entity_id, name, email, status)
                )
    return found
