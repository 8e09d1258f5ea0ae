"""Helpers for the calendar storage, API, CLI and corpus tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from peanut_async import Database
from peanut_async.plugins.calendar import Attendee, CalendarAPI, CalendarEvent

# Tables the calendar plugin writes, each keyed by its id column.
CALENDAR_TABLES = (
    "entities",
    "entity_attributes",
    "commitments",
    "commitment_participants",
    "calendar_events",
)
# A Monday far enough ahead that no meeting of the storage tests is in the past.
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
OLD = "2000-01-01 00:00:00"

Dump = dict[str, dict[str, dict[str, Any]]]


def meeting(
    uid: str = "test-123",
    *,
    start: datetime | date = START,
    end: datetime | date | None = None,
    title: str = "Team Meeting",
    attendees: Iterable[tuple[str, str | None, str]] = (
        ("alice@example.com", "Alice", "accepted"),
        ("bob@example.com", "Bob", "needsAction"),
    ),
    organizer: str | None = "alice@example.com",
    organizer_name: str | None = None,
    status: str = "confirmed",
    sequence: int = 0,
    recurrence_id: datetime | date | None = None,
    source: str = "test",
    location: str | None = None,
    description: str | None = None,
) -> CalendarEvent:
    """Build a CalendarEvent with sensible defaults: a one-hour meeting of Alice and Bob."""
    if end is None and isinstance(start, datetime):
        end = start + timedelta(hours=1)
    return CalendarEvent(
        uid,
        start,
        end,
        title=title,
        attendees=[Attendee(email, name, response) for email, name, response in attendees],
        organizer_email=organizer,
        organizer_name=organizer_name,
        status=status,  # type: ignore[arg-type]
        sequence=sequence,
        recurrence_id=recurrence_id,
        source=source,
        location=location,
        description=description,
    )


def vcalendar(*events: str) -> bytes:
    """Return a VCALENDAR of VEVENTs, each given as its property lines, with CRLF breaks."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//peanut tests//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *(line for line in event.strip().splitlines() if line)]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def calendar(db: Database) -> CalendarAPI:
    """Return the calendar plugin's API of ``db``."""
    return db.plugin("calendar", CalendarAPI)


async def dump(db: Database, tables: Sequence[str] = CALENDAR_TABLES) -> Dump:
    """Return every row of ``tables`` as {table: {id: {column: value}}}."""
    result: Dump = {}
    for table in tables:
        rows = await db.fetch_all(f"SELECT * FROM {table}")  # fixed table names
        result[table] = {row["id"]: dict(row) for row in rows}
    return result


def diff(before: Dump, after: Dump) -> dict[str, dict[str, Any]]:
    """Return per table the added and removed ids and, per changed id, the changed columns.

    Tables without any difference are left out, so ``{}`` means nothing changed.
    """
    changes: dict[str, dict[str, Any]] = {}
    for table in before.keys() | after.keys():
        old, new = before.get(table, {}), after.get(table, {})
        added = sorted(new.keys() - old.keys())
        removed = sorted(old.keys() - new.keys())
        changed = {
            row_id: {column for column in new[row_id] if new[row_id][column] != old[row_id][column]}
            for row_id in old.keys() & new.keys()
            if new[row_id] != old[row_id]
        }
        if added or removed or changed:
            changes[table] = {"added": added, "removed": removed, "changed": changed}
    return changes


async def age_rows(db: Database) -> None:
    """Set every created_at and updated_at the tests watch to :data:`OLD`.

    CURRENT_TIMESTAMP has whole seconds, so without this a write in the same second as
    the import would not show in updated_at.
    """
    async with db.transaction():
        await db.execute("UPDATE entities SET created_at = ?, updated_at = ?", (OLD, OLD))
        await db.execute("UPDATE calendar_events SET created_at = ?, updated_at = ?", (OLD, OLD))


async def count(db: Database, table: str, where: str = "1", params: Sequence[Any] = ()) -> int:
    """Return the number of rows of ``table`` matching ``where``."""
    value = await db.fetch_value(f"SELECT count(*) FROM {table} WHERE {where}", params)
    return int(value)


async def person_id(db: Database, email: str) -> str:
    """Return the entity id that owns ``email``."""
    value = await db.fetch_value(
        "SELECT entity_id FROM entity_attributes "
        "WHERE attribute_type = 'email' AND attribute_value = ?",
        (email,),
    )
    assert value is not None, f"no entity has {email}"
    return str(value)


async def commitment_of(
    db: Database, uid: str, recurrence_id: str = "", source: str = "test"
) -> dict[str, Any]:
    """Return the commitment row of one stored event."""
    row = await db.fetch_one(
        "SELECT c.* FROM calendar_events AS e JOIN commitments AS c ON c.id = e.commitment_id "
        "WHERE e.source = ? AND e.uid = ? AND e.recurrence_id = ?",
        (source, uid, recurrence_id),
    )
    assert row is not None, f"event {uid!r} is not stored"
    return dict(row)


async def participants(db: Database, commitment_id: str) -> dict[str, str]:
    """Return {email: response status} of a commitment's participants."""
    rows = await db.fetch_all(
        "SELECT a.attribute_value, p.response_status FROM commitment_participants AS p "
        "JOIN entity_attributes AS a ON a.entity_id = p.entity_id AND a.attribute_type = 'email' "
        "WHERE p.commitment_id = ?",
        (commitment_id,),
    )
    return {row[0]: row[1] for row in rows}
