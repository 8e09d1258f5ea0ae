"""Calendar ingest failures: one bad event is reported and leaves nothing behind."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta

import pytest
from _calendar_support import START, calendar, count, dump, meeting, person_id

from peanut_async import Database, DatabaseError, ValidationError
from peanut_async.plugins.calendar._store_people import create_people, lookup_emails
from peanut_async.plugins.calendar._store_rows import new_ids


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    # Only the calendar plugin: these tests do not depend on the other plugins.
    return ["calendar"]


# Makes SQLite reject any participant row for mallory@example.com, as a constraint would.
REJECT_MALLORY = """
CREATE TRIGGER test_reject_mallory BEFORE INSERT ON commitment_participants
WHEN NEW.entity_id IN (SELECT entity_id FROM entity_attributes
                       WHERE attribute_type = 'email' AND attribute_value = 'mallory@example.com')
BEGIN
    SELECT RAISE(ABORT, 'participant rejected by test trigger');
END
"""


def three_events_one_with_mallory() -> list[object]:
    return [
        meeting("uid-1"),
        meeting(
            "uid-2",
            start=START + timedelta(days=1),
            attendees=[
                ("carol@example.com", "Carol", "accepted"),
                ("mallory@example.com", "Mallory", "accepted"),
            ],
            organizer="carol@example.com",
        ),
        meeting("uid-3", start=START + timedelta(days=2)),
    ]


async def test_rejected_event_keeps_the_others(peanut_db: Database) -> None:
    await peanut_db.execute(REJECT_MALLORY)

    report = await calendar(peanut_db).ingest_events(three_events_one_with_mallory())  # type: ignore[arg-type]

    assert report.created == 2
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.event_id == "uid-2"
    assert error.file is None
    assert "participant rejected by test trigger" in error.reason
    stored = await peanut_db.fetch_all("SELECT uid FROM calendar_events ORDER BY uid")
    assert [row[0] for row in stored] == ["uid-1", "uid-3"]


async def test_rejected_event_leaves_nothing_half_written(peanut_db: Database) -> None:
    await peanut_db.execute(REJECT_MALLORY)

    await calendar(peanut_db).ingest_events(three_events_one_with_mallory())  # type: ignore[arg-type]

    assert await count(peanut_db, "commitments") == 2
    assert await count(peanut_db, "commitment_participants") == 4
    # Carol and Mallory were only in the rejected event, so neither person exists.
    assert await count(peanut_db, "entities") == 2
    assert await count(peanut_db, "entity_attributes", "attribute_value LIKE 'carol%'") == 0
    assert (
        await count(
            peanut_db, "commitments", "description = 'Team Meeting' AND due_date LIKE '2030-01-08%'"
        )
        == 0
    )


async def test_rejected_update_keeps_stored_version(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting("uid-1"))
    await peanut_db.execute(REJECT_MALLORY)
    before = await dump(peanut_db)

    changed = meeting(
        "uid-1",
        title="renamed",
        attendees=[
            ("alice@example.com", "Alice", "accepted"),
            ("mallory@example.com", None, "accepted"),
        ],
    )
    report = await api.ingest_events([changed, meeting("uid-9", start=START + timedelta(days=3))])

    assert (report.created, report.updated, len(report.errors)) == (1, 0, 1)
    after = await dump(peanut_db)
    for table in ("commitments", "calendar_events", "commitment_participants"):
        for row_id, row in before[table].items():
            assert after[table][row_id] == row


async def test_object_that_is_not_an_event_is_rejected(peanut_db: Database) -> None:
    report = await calendar(peanut_db).ingest_events([meeting("uid-1"), {"uid": "x"}])  # type: ignore[list-item]

    assert report.created == 1
    assert len(report.errors) == 1
    assert report.errors[0].event_id is None
    assert report.errors[0].reason == "'event' must be a CalendarEvent, got {'uid': 'x'}"


async def test_ingest_event_raises_validation_error(peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        await calendar(peanut_db).ingest_event("not an event")  # type: ignore[arg-type]

    assert caught.value.field == "event"
    assert caught.value.value == "not an event"
    assert await count(peanut_db, "commitments") == 0


async def test_ingest_event_raises_database_error(peanut_db: Database) -> None:
    await peanut_db.execute(REJECT_MALLORY)
    event = meeting(attendees=[("mallory@example.com", None, "accepted")])

    with pytest.raises(DatabaseError, match="participant rejected by test trigger") as caught:
        await calendar(peanut_db).ingest_event(event)

    assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
    assert await count(peanut_db, "commitments") == 0
    assert await count(peanut_db, "entities") == 0


async def test_create_people_rereads_address_stored_meanwhile(peanut_db: Database) -> None:
    # Another writer stored bob between our lookup and our insert: the unique email
    # index rejects the insert, and the stored person is used instead.
    await calendar(peanut_db).ingest_event(
        meeting(attendees=[("bob@example.com", "Bob", "accepted")], organizer=None)
    )
    bob = await person_id(peanut_db, "bob@example.com")
    names = {"bob@example.com": ["Bobby"], "new@example.com": ["New Person"]}
    existing: dict[str, str] = {}

    async with peanut_db.transaction():
        created = await peanut_db.run_sync(
            create_people, ["bob@example.com", "new@example.com"], names, existing
        )

    assert created["bob@example.com"] == bob
    assert existing == {"bob@example.com": bob}
    assert await count(peanut_db, "entities") == 2
    found = await peanut_db.run_sync(lookup_emails, ["bob@example.com", "new@example.com"])
    assert found == created


def test_new_ids_are_sorted_uuid4() -> None:
    ids = new_ids(500)

    assert ids == sorted(ids)
    assert len(set(ids)) == 500
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == text
