"""The two baselines of the ingest benchmark, writing the calendar plugin's rows.

- :func:`ingest_limit`: plain sqlite3, one transaction, one ``executemany`` per table
  and person ids cached in a dict. Nothing written the same way can be much faster, so
  it is the limit the library is measured against.
- :func:`ingest_naive`: aiosqlite with one await per statement and one transaction per
  event, the way async code is commonly written.

Both write the same rows as ``ingest_events`` of a fresh database. Each new address
becomes a person with an ``email`` attribute and an ``alias`` per display name. The
person is named after the first display name, else the address's local part. Each event
becomes a ``meeting`` commitment, a ``calendar_events`` row and a participant row per
attendee.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from peanut_async.plugins.calendar import CalendarEvent

from ._baseline_rows import (
    COMMITMENT_STATUS,
    SOURCE_TYPE,
    EventText,
    bulk_uuid4,
    placeholder_name,
)
from ._databases import open_plain

_INSERT_ENTITY = "INSERT INTO entities (id, canonical_name, entity_type) VALUES (?, ?, 'person')"
_INSERT_EMAIL = (
    "INSERT INTO entity_attributes (id, entity_id, attribute_type, attribute_value) "
    "VALUES (?, ?, 'email', ?)"
)
_INSERT_ALIAS = (
    "INSERT INTO entity_attributes (id, entity_id, attribute_type, attribute_value) "
    "VALUES (?, ?, 'alias', ?) "
    "ON CONFLICT (entity_id, attribute_type, attribute_value) DO NOTHING"
)
_INSERT_COMMITMENT = (
    "INSERT INTO commitments (id, type, description, owner_entity_id, due_date, end_date, "
    f"status, source_type, source_id) VALUES (?, 'meeting', ?, ?, ?, ?, ?, '{SOURCE_TYPE}', ?)"
)
_INSERT_EVENT = (
    "INSERT INTO calendar_events (id, source, uid, recurrence_id, commitment_id, sequence, "
    "content_hash, description, location, meeting_url, recurrence_rule, organizer_email, "
    "event_status, all_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_PARTICIPANT = (
    "INSERT INTO commitment_participants (id, commitment_id, entity_id, response_status) "
    "VALUES (?, ?, ?, ?)"
)
_SELECT_PERSON = (
    "SELECT entity_id FROM entity_attributes WHERE attribute_type = 'email' AND attribute_value = ?"
)
_SELECT_EVENT = "SELECT id FROM calendar_events WHERE source = ? AND uid = ? AND recurrence_id = ?"


def ingest_limit(path: Path, events: Sequence[CalendarEvent]) -> float:
    """Write ``events`` with plain sqlite3 in one transaction; return the seconds taken."""
    connection = open_plain(path)
    try:
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        texts = [EventText(event) for event in events]
        person_ids = _write_people(connection, texts)
        _write_meetings(connection, texts, person_ids)
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


def _write_people(connection: sqlite3.Connection, texts: Sequence[EventText]) -> dict[str, str]:
    person_ids: dict[str, str] = dict(
        connection.execute(
            "SELECT attribute_value, entity_id FROM entity_attributes "
            "WHERE attribute_type = 'email'"
        )
    )
    # Display names per address, first seen first; the first one names a new person.
    names: dict[str, list[str]] = {}
    for text in texts:
        _add_name(names, text.event.organizer_email, text.organizer_name)
        for email, name, _status in text.attendees:
            _add_name(names, email, name)

    new = [email for email in names if email not in person_ids]
    ids = bulk_uuid4(2 * len(new))
    person_ids.update(zip(new, ids[: len(new)], strict=True))
    connection.executemany(
        _INSERT_ENTITY,
        [
            (person_ids[email], names[email][0] if names[email] else placeholder_name(email))
            for email in new
        ],
    )
    connection.executemany(
        _INSERT_EMAIL,
        [
            (row_id, person_ids[email], email)
            for row_id, email in zip(ids[len(new) :], new, strict=True)
        ],
    )
    aliases = [(person_ids[email], name) for email, seen in names.items() for name in seen]
    alias_ids = bulk_uuid4(len(aliases))
    connection.executemany(
        _INSERT_ALIAS, [(row_id, *alias) for row_id, alias in zip(alias_ids, aliases, strict=True)]
    )
    return person_ids


def _add_name(names: dict[str, list[str]], email: str | None, name: str | None) -> None:
    if email is None:
        return
    seen = names.setdefault(email, [])
    if name and name not in seen:
        seen.append(name)


def _write_meetings(
    connection: sqlite3.Connection, texts: Sequence[EventText], person_ids: dict[str, str]
) -> None:
    ids = bulk_uuid4(2 * len(texts))
    commitments = []
    rows = []
    participants = []
    for index, text in enumerate(texts):
        event = text.event
        commitment_id = ids[2 * index]
        row_id = ids[2 * index + 1]
        owner = person_ids[event.organizer_email] if event.organizer_email else None
        commitments.append(
            (commitment_id, event.title, owner, text.due, text.end,
             COMMITMENT_STATUS[event.status], row_id)
        )  # fmt: skip
        rows.append(_event_row(row_id, commitment_id, text))
        participants.extend(
            (commitment_id, person_ids[email], status) for email, _name, status in text.attendees
        )
    participant_ids = bulk_uuid4(len(participants))
    connection.executemany(_INSERT_COMMITMENT, commitments)
    connection.executemany(_INSERT_EVENT, rows)
    connection.executemany(
        _INSERT_PARTICIPANT,
        [(row_id, *row) for row_id, row in zip(participant_ids, participants, strict=True)],
    )


def _event_row(row_id: str, commitment_id: str, text: EventText) -> tuple[object, ...]:
    event = text.event
    return (
        row_id, event.source, event.source_id, text.recurrence_id, commitment_id,
        event.sequence, text.content_hash, event.description, event.location,
        event.meeting_url, event.recurrence_rule, event.organizer_email,
        event.status, int(text.all_day),
    )  # fmt: skip


async def ingest_naive(path: Path, events: Sequence[CalendarEvent]) -> float:
    """Write ``events`` one await per statement, one transaction per event; return seconds."""
    async with aiosqlite.connect(path, isolation_level=None) as connection:
        for pragma in ("busy_timeout = 30000", "foreign_keys = ON", "synchronous = NORMAL"):
            await connection.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        for event in events:
            await connection.execute("BEGIN IMMEDIATE")
            await _naive_event(connection, EventText(event))
            await connection.execute("COMMIT")
        return time.perf_counter() - started


async def _naive_event(connection: aiosqlite.Connection, text: EventText) -> None:
    event = text.event
    if await connection.execute_fetchall(_SELECT_EVENT, event.identity):
        return
    people = {}
    named = [(event.organizer_email, text.organizer_name)]
    named.extend((email, name) for email, name, _status in text.attendees)
    for email, name in named:
        if email is not None and email not in people:
            people[email] = await _naive_person(connection, email, name)

    commitment_id = str(uuid.uuid4())
    row_id = str(uuid.uuid4())
    owner = people[event.organizer_email] if event.organizer_email else None
    await connection.execute(
        _INSERT_COMMITMENT,
        (commitment_id, event.title, owner, text.due, text.end,
         COMMITMENT_STATUS[event.status], row_id),
    )  # fmt: skip
    await connection.execute(_INSERT_EVENT, _event_row(row_id, commitment_id, text))
    for email, _name, status in text.attendees:
        await connection.execute(
            _INSERT_PARTICIPANT, (str(uuid.uuid4()), commitment_id, people[email], status)
        )


async def _naive_person(connection: aiosqlite.Connection, email: str, name: str | None) -> str:
    found = list(await connection.execute_fetchall(_SELECT_PERSON, (email,)))
    if found:
        entity_id: str = found[0][0]
    else:
        entity_id = str(uuid.uuid4())
        await connection.execute(_INSERT_ENTITY, (entity_id, name or placeholder_name(email)))
        await connection.execute(_INSERT_EMAIL, (str(uuid.uuid4()), entity_id, email))
    if name:
        await connection.execute(_INSERT_ALIAS, (str(uuid.uuid4()), entity_id, name))
    return entity_id
