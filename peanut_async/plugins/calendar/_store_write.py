"""The statements that insert new meetings, update changed ones and cancel stored ones.

Each function runs in the connection's worker thread inside the batch's transaction
and issues one ``executemany`` per statement. Inserts and updates run after every address
of the batch has a person entity.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ._store_report import Outcome
from ._store_rows import PreparedEvent, new_ids

SOURCE_TYPE = "calendar"

# (event, outcome, commitment id) for each event the batch stored or found stored.
Written = list[tuple[PreparedEvent, Outcome, str]]

_INSERT_COMMITMENT = (
    "INSERT INTO commitments (id, type, description, owner_entity_id, due_date, end_date, "
    f"status, source_type, source_id) VALUES (?, 'meeting', ?, ?, ?, ?, ?, '{SOURCE_TYPE}', ?)"
)
_INSERT_EVENT = (
    "INSERT INTO calendar_events (id, source, uid, recurrence_id, commitment_id, sequence, "
    "content_hash, description, location, meeting_url, recurrence_rule, organizer_email, "
    "event_status, all_day, source_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_PARTICIPANT = (
    "INSERT INTO commitment_participants (id, commitment_id, entity_id, response_status) "
    "VALUES (?, ?, ?, ?)"
)
# Keeps the row (its id and created_at) of an attendee who stays, and writes only a
# response that changed.
_UPSERT_PARTICIPANT = (
    _INSERT_PARTICIPANT + " ON CONFLICT (commitment_id, entity_id) DO UPDATE "
    "SET response_status = excluded.response_status "
    "WHERE response_status <> excluded.response_status"
)
_DELETE_OTHER_PARTICIPANTS = (
    "DELETE FROM commitment_participants "
    "WHERE commitment_id = ? AND entity_id NOT IN (SELECT value FROM json_each(?))"
)
# A meeting already marked completed (or broken) keeps that status when a change to it
# arrives, unless the change moves its end into the future.
_KEEPS_STATUS = (
    "status IN ('completed', 'broken') AND datetime(coalesce(:end, :due)) <= datetime('now')"
)
_UPDATE_COMMITMENT = (
    "UPDATE commitments SET description = :title, owner_entity_id = :owner, "
    "due_date = :due, end_date = :end, "
    f"status = CASE WHEN {_KEEPS_STATUS} THEN status ELSE 'open' END, "
    f"completed_at = CASE WHEN {_KEEPS_STATUS} THEN completed_at END "
    "WHERE id = :id"
)
_CANCEL_COMMITMENT = "UPDATE commitments SET status = 'cancelled', completed_at = NULL WHERE id = ?"
_CANCEL_EVENT = (
    "UPDATE calendar_events SET sequence = ?, content_hash = ?, event_status = 'cancelled', "
    "source_file = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?"
)
_UPDATE_EVENT = (
    "UPDATE calendar_events SET sequence = ?, content_hash = ?, description = ?, "
    "location = ?, meeting_url = ?, recurrence_rule = ?, organizer_email = ?, "
    "event_status = ?, all_day = ?, source_file = ?, updated_at = CURRENT_TIMESTAMP "
    "WHERE id = ?"
)


@attrs.frozen
class StoredEvent:
    """The stored state of an event, which the batch writer compares new input with."""

    row_id: str
    commitment_id: str
    sequence: int
    content_hash: str
    event_status: str
    # The file the stored copy was last written from; None when unknown.
    source_file: str | None


def insert_new(
    conn: sqlite3.Connection,
    events: Sequence[PreparedEvent],
    people: Mapping[str, str],
    source_file: str | None,
) -> Written:
    """Insert a commitment, a calendar_events row and the participants of each event.

    ``source_file`` is stored as the file each event came from.
    """
    if not events:
        return []
    ids = new_ids(2 * len(events) + sum(len(event.attendees) for event in events))
    commitments = []
    rows = []
    participants = []
    written: Written = []
    next_id = 0
    for event in events:
        commitment_id, row_id = ids[next_id], ids[next_id + 1]
        next_id += 2
        owner = people[event.organizer_email] if event.organizer_email else None
        commitments.append(
            (
                commitment_id, event.title, owner, event.due, event.end,
                event.commitment_status, row_id,
            )
        )  # fmt: skip
        source, uid, recurrence_id = event.identity
        rows.append(
            (
                row_id, source, uid, recurrence_id, commitment_id, event.sequence,
                event.content_hash, event.description, event.location, event.meeting_url,
                event.recurrence_rule, event.organizer_email, event.event_status,
                int(event.all_day), source_file,
            )
        )  # fmt: skip
        for email, _name, status in event.attendees:
            participants.append((ids[next_id], commitment_id, people[email], status))
            next_id += 1
        outcome: Outcome = "cancelled" if event.event_status == "cancelled" else "created"
        written.append((event, outcome, commitment_id))

    conn.executemany(_INSERT_COMMITMENT, commitments)
    conn.executemany(_INSERT_EVENT, rows)
    conn.executemany(_INSERT_PARTICIPANT, participants)
    return written


def update_changed(
    conn: sqlite3.Connection,
    changed: Sequence[tuple[PreparedEvent, StoredEvent]],
    people: Mapping[str, str],
    source_file: str | None,
) -> Written:
    """Rewrite the stored rows of each changed event, leaving unchanged rows untouched.

    ``source_file`` replaces the stored file name of each event.
    """
    if not changed:
        return []
    commitments: list[dict[str, Any]] = []
    rows = []
    participants: list[tuple[str, str, str]] = []
    attendee_lists = []
    written: Written = []
    for event, known in changed:
        owner = people[event.organizer_email] if event.organizer_email else None
        commitments.append(
            {
                "id": known.commitment_id,
                "title": event.title,
                "owner": owner,
                "due": event.due,
                "end": event.end,
            }
        )
        rows.append(
            (
                event.sequence, event.content_hash, event.description, event.location,
                event.meeting_url, event.recurrence_rule, event.organizer_email,
                event.event_status, int(event.all_day), source_file, known.row_id,
            )
        )  # fmt: skip
        entity_ids = []
        for email, _name, status in event.attendees:
            entity_ids.append(people[email])
            participants.append((known.commitment_id, people[email], status))
        attendee_lists.append((known.commitment_id, json.dumps(entity_ids)))
        written.append((event, "updated", known.commitment_id))

    conn.executemany(_UPDATE_COMMITMENT, commitments)
    conn.executemany(_UPDATE_EVENT, rows)
    conn.executemany(_DELETE_OTHER_PARTICIPANTS, attendee_lists)
    participant_ids = new_ids(len(participants))
    conn.executemany(
        _UPSERT_PARTICIPANT,
        [(row_id, *row) for row_id, row in zip(participant_ids, participants, strict=True)],
    )
    return written


def cancel_stored(
    conn: sqlite3.Connection,
    cancelled: Sequence[tuple[PreparedEvent, StoredEvent]],
    source_file: str | None,
) -> Written:
    """Mark stored meetings cancelled, keeping their last known details.

    A cancellation often carries less than the event did. A cancelled instance from the
    Google Calendar API can come with little more than its id and original start. So
    the stored title, times, organizer and participants stay as they were, and only the
    status, SEQUENCE, digest and file name change.
    """
    if not cancelled:
        return []
    conn.executemany(_CANCEL_COMMITMENT, [(known.commitment_id,) for _event, known in cancelled])
    conn.executemany(
        _CANCEL_EVENT,
        [
            (event.sequence, event.content_hash, source_file, known.row_id)
            for event, known in cancelled
        ],
    )
    written: Written = []
    for event, known in cancelled:
        outcome: Outcome = "updated" if known.event_status == "cancelled" else "cancelled"
        written.append((event, outcome, known.commitment_id))
    return written
