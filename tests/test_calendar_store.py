"""Calendar ingest: what each event writes, and what a changed or repeated event rewrites."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from _calendar_support import (
    OLD,
    START,
    age_rows,
    calendar,
    commitment_of,
    count,
    diff,
    dump,
    meeting,
    participants,
    person_id,
)

from peanut_async import Database
from peanut_async.plugins.calendar import ImportIssue, ImportReport
from peanut_async.plugins.calendar._store_report import combine_reports


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    # Only the calendar plugin: these tests do not depend on the other plugins.
    return ["calendar"]


async def test_design_example_creates_people_meeting_participants(peanut_db: Database) -> None:
    now = datetime.now(UTC)
    event = meeting(
        "test-123",
        start=now,
        end=now + timedelta(hours=1),
        title="Team Meeting",
        attendees=[
            ("alice@example.com", "Alice", "needsAction"),
            ("bob@example.com", "Bob", "needsAction"),
        ],
        organizer=None,
    )

    outcome = await calendar(peanut_db).ingest_event(event)

    assert outcome.outcome == "created"
    assert await count(peanut_db, "entities", "entity_type = 'person'") == 2
    assert await count(peanut_db, "commitments", "type = 'meeting'") == 1
    assert await count(peanut_db, "commitment_participants") == 2
    assert await count(peanut_db, "calendar_events") == 1


async def test_ingest_stores_meeting_fields(peanut_db: Database) -> None:
    event = meeting(location="Room 1", description="Agenda: budget")

    outcome = await calendar(peanut_db).ingest_event(event)

    row = await commitment_of(peanut_db, "test-123")
    assert row["id"] == outcome.commitment_id
    assert row["type"] == "meeting"
    assert row["description"] == "Team Meeting"
    assert row["due_date"] == "2030-01-07 09:00:00"
    assert row["end_date"] == "2030-01-07 10:00:00"
    assert row["status"] == "open"
    assert row["source_type"] == "calendar"
    assert row["owner_entity_id"] == await person_id(peanut_db, "alice@example.com")
    stored = await peanut_db.fetch_one("SELECT * FROM calendar_events")
    assert stored is not None
    assert row["source_id"] == stored["id"]
    assert (stored["source"], stored["uid"], stored["recurrence_id"]) == ("test", "test-123", "")
    assert stored["location"] == "Room 1"
    assert stored["description"] == "Agenda: budget"
    assert stored["event_status"] == "confirmed"
    assert stored["all_day"] == 0


async def test_ingest_stores_response_statuses(peanut_db: Database) -> None:
    event = meeting(
        attendees=[
            ("alice@example.com", "Alice", "accepted"),
            ("bob@example.com", "Bob", "declined"),
            ("carol@example.com", "Carol", "tentative"),
            ("dave@example.com", None, "needsAction"),
        ]
    )

    outcome = await calendar(peanut_db).ingest_event(event)

    assert await participants(peanut_db, outcome.commitment_id) == {
        "alice@example.com": "accepted",
        "bob@example.com": "declined",
        "carol@example.com": "tentative",
        "dave@example.com": "needsAction",
    }


async def test_all_day_event_stores_dates(peanut_db: Database) -> None:
    event = meeting("offsite", start=date(2030, 3, 2), end=date(2030, 3, 4))

    await calendar(peanut_db).ingest_event(event)

    row = await commitment_of(peanut_db, "offsite")
    assert row["due_date"] == "2030-03-02"
    assert row["end_date"] == "2030-03-04"
    assert await peanut_db.fetch_value("SELECT all_day FROM calendar_events") == 1


async def test_times_are_stored_in_utc(peanut_db: Database) -> None:
    berlin = datetime(2030, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))

    await calendar(peanut_db).ingest_event(meeting(start=berlin))

    row = await commitment_of(peanut_db, "test-123")
    assert row["due_date"] == "2030-07-01 08:00:00"
    assert row["end_date"] == "2030-07-01 09:00:00"


async def test_new_person_named_after_display_name(peanut_db: Database) -> None:
    await calendar(peanut_db).ingest_event(meeting())

    alice = await person_id(peanut_db, "alice@example.com")
    row = await peanut_db.fetch_one(
        "SELECT canonical_name, entity_type FROM entities WHERE id = ?", (alice,)
    )
    assert row is not None
    assert tuple(row) == ("Alice", "person")
    aliases = await peanut_db.fetch_all(
        "SELECT attribute_value FROM entity_attributes "
        "WHERE entity_id = ? AND attribute_type = 'alias'",
        (alice,),
    )
    assert [a[0] for a in aliases] == ["Alice"]


async def test_new_person_without_name_uses_local_part(peanut_db: Database) -> None:
    await calendar(peanut_db).ingest_event(
        meeting(attendees=[("dave.o@example.org", None, "accepted")])
    )

    dave = await person_id(peanut_db, "dave.o@example.org")
    assert (
        await peanut_db.fetch_value("SELECT canonical_name FROM entities WHERE id = ?", (dave,))
        == "dave.o"
    )
    assert (
        await count(
            peanut_db, "entity_attributes", "entity_id = ? AND attribute_type = 'alias'", (dave,)
        )
        == 0
    )


async def test_placeholder_name_replaced_by_display_name(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting("first", attendees=[("dave@example.org", None, "accepted")]))

    await api.ingest_event(
        meeting("second", attendees=[("dave@example.org", "Dave Okafor", "accepted")])
    )

    dave = await person_id(peanut_db, "dave@example.org")
    assert (
        await peanut_db.fetch_value("SELECT canonical_name FROM entities WHERE id = ?", (dave,))
        == "Dave Okafor"
    )


async def test_known_person_keeps_name_and_gains_alias(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting("first", attendees=[("bob@example.com", "Bob", "accepted")]))

    await api.ingest_event(
        meeting("second", attendees=[("bob@example.com", "Robert Chen", "accepted")])
    )

    bob = await person_id(peanut_db, "bob@example.com")
    assert (
        await peanut_db.fetch_value("SELECT canonical_name FROM entities WHERE id = ?", (bob,))
        == "Bob"
    )
    aliases = await peanut_db.fetch_all(
        "SELECT attribute_value FROM entity_attributes "
        "WHERE entity_id = ? AND attribute_type = 'alias' "
        "ORDER BY attribute_value",
        (bob,),
    )
    assert [a[0] for a in aliases] == ["Bob", "Robert Chen"]


async def test_email_case_variants_are_one_person(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(
        meeting("first", attendees=[("Bob.Chen@Example.com", "Bob", "accepted")])
    )
    await api.ingest_events(
        [
            meeting("second", attendees=[("BOB.CHEN@EXAMPLE.COM", "Bob", "accepted")]),
            meeting("third", attendees=[("mailto:bob.chen@example.com", "Bob", "declined")]),
        ]
    )

    assert await count(peanut_db, "entities") == 2  # Bob and the organizer Alice
    assert await count(peanut_db, "entity_attributes", "attribute_type = 'email'") == 2
    bob = await person_id(peanut_db, "bob.chen@example.com")
    assert await count(peanut_db, "commitment_participants", "entity_id = ?", (bob,)) == 3


async def test_organizer_owns_and_participates_when_listed(peanut_db: Database) -> None:
    outcome = await calendar(peanut_db).ingest_event(meeting(organizer="alice@example.com"))

    row = await commitment_of(peanut_db, "test-123")
    alice = await person_id(peanut_db, "alice@example.com")
    assert row["owner_entity_id"] == alice
    assert "alice@example.com" in await participants(peanut_db, outcome.commitment_id)


async def test_unlisted_organizer_owns_without_participating(peanut_db: Database) -> None:
    event = meeting(organizer="boss@example.com", organizer_name="The Boss")

    outcome = await calendar(peanut_db).ingest_event(event)

    boss = await person_id(peanut_db, "boss@example.com")
    row = await commitment_of(peanut_db, "test-123")
    assert row["owner_entity_id"] == boss
    assert "boss@example.com" not in await participants(peanut_db, outcome.commitment_id)
    assert (
        await peanut_db.fetch_value("SELECT canonical_name FROM entities WHERE id = ?", (boss,))
        == "The Boss"
    )


async def test_event_without_organizer_has_no_owner(peanut_db: Database) -> None:
    await calendar(peanut_db).ingest_event(meeting(organizer=None))

    row = await commitment_of(peanut_db, "test-123")
    assert row["owner_entity_id"] is None


# Re-ingesting -------------------------------------------------------------------------


async def test_reingest_changes_nothing(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    first = await api.ingest_events([meeting("a"), meeting("b", start=START + timedelta(days=1))])
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    again = await api.ingest_events([meeting("a"), meeting("b", start=START + timedelta(days=1))])

    assert (first.created, first.unchanged) == (2, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert diff(before, await dump(peanut_db)) == {}


async def test_reingest_keeps_updated_at(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting())
    await age_rows(peanut_db)

    await api.ingest_event(meeting())

    assert await count(peanut_db, "entities", "updated_at <> ?", (OLD,)) == 0
    assert await count(peanut_db, "calendar_events", "updated_at <> ?", (OLD,)) == 0


async def test_moved_event_updates_times_only(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    created = await api.ingest_event(meeting())
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    outcome = await api.ingest_event(meeting(start=START + timedelta(hours=3)))

    assert outcome.outcome == "updated"
    assert outcome.commitment_id == created.commitment_id
    event_id = next(iter(before["calendar_events"]))
    assert diff(before, await dump(peanut_db)) == {
        "commitments": {
            "added": [],
            "removed": [],
            "changed": {created.commitment_id: {"due_date", "end_date"}},
        },
        "calendar_events": {
            "added": [],
            "removed": [],
            "changed": {event_id: {"content_hash", "updated_at"}},
        },
    }
    row = await commitment_of(peanut_db, "test-123")
    assert (row["due_date"], row["end_date"]) == ("2030-01-07 12:00:00", "2030-01-07 13:00:00")


async def test_renamed_event_updates_description_only(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    created = await api.ingest_event(meeting())
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    await api.ingest_event(meeting(title="Team Meeting (budget)"))

    changes = diff(before, await dump(peanut_db))
    assert changes["commitments"]["changed"] == {created.commitment_id: {"description"}}
    assert set(changes) == {"commitments", "calendar_events"}
    assert (await commitment_of(peanut_db, "test-123"))["description"] == "Team Meeting (budget)"


async def test_added_attendee_adds_person_and_participant(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    created = await api.ingest_event(meeting())
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    attendees = [
        ("alice@example.com", "Alice", "accepted"),
        ("bob@example.com", "Bob", "needsAction"),
        ("carol@example.com", "Carol", "tentative"),
    ]
    await api.ingest_event(meeting(attendees=attendees))

    changes = diff(before, await dump(peanut_db))
    assert set(changes) == {
        "entities",
        "entity_attributes",
        "commitment_participants",
        "calendar_events",
    }
    assert len(changes["entities"]["added"]) == 1
    assert len(changes["entity_attributes"]["added"]) == 2  # email and alias
    assert len(changes["commitment_participants"]["added"]) == 1
    assert changes["commitment_participants"]["changed"] == {}
    assert changes["commitment_participants"]["removed"] == []
    assert await participants(peanut_db, created.commitment_id) == {
        "alice@example.com": "accepted",
        "bob@example.com": "needsAction",
        "carol@example.com": "tentative",
    }


async def test_removed_attendee_removes_participant_only(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    created = await api.ingest_event(meeting())
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    await api.ingest_event(meeting(attendees=[("alice@example.com", "Alice", "accepted")]))

    changes = diff(before, await dump(peanut_db))
    assert set(changes) == {"commitment_participants", "calendar_events"}
    assert len(changes["commitment_participants"]["removed"]) == 1
    assert changes["commitment_participants"]["added"] == []
    assert await participants(peanut_db, created.commitment_id) == {"alice@example.com": "accepted"}
    assert await count(peanut_db, "entity_attributes", "attribute_value = 'bob@example.com'") == 1


async def test_changed_response_updates_one_participant(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    created = await api.ingest_event(meeting())
    bob = await person_id(peanut_db, "bob@example.com")
    bob_row = await peanut_db.fetch_value(
        "SELECT id FROM commitment_participants WHERE entity_id = ?", (bob,)
    )
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    attendees = [("alice@example.com", "Alice", "accepted"), ("bob@example.com", "Bob", "declined")]
    outcome = await api.ingest_event(meeting(attendees=attendees))

    assert outcome.outcome == "updated"
    changes = diff(before, await dump(peanut_db))
    assert set(changes) == {"commitment_participants", "calendar_events"}
    assert changes["commitment_participants"] == {
        "added": [],
        "removed": [],
        "changed": {bob_row: {"response_status"}},
    }
    assert (await participants(peanut_db, created.commitment_id))["bob@example.com"] == "declined"


async def test_changed_organizer_changes_owner(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting(organizer="alice@example.com"))

    await api.ingest_event(meeting(organizer="bob@example.com"))

    row = await commitment_of(peanut_db, "test-123")
    assert row["owner_entity_id"] == await person_id(peanut_db, "bob@example.com")


# Cancelling ----------------------------------------------------------------------------


async def test_cancelled_event_cancels_commitment(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    created = await api.ingest_event(meeting())

    outcome = await api.ingest_event(meeting(status="cancelled", sequence=1))

    assert outcome.outcome == "cancelled"
    assert outcome.commitment_id == created.commitment_id
    row = await commitment_of(peanut_db, "test-123")
    assert row["status"] == "cancelled"
    assert await peanut_db.fetch_value("SELECT event_status FROM calendar_events") == "cancelled"


async def test_cancellation_keeps_last_known_details(peanut_db: Database) -> None:
    # A cancelled Google Calendar instance carries no title and no attendees.
    api = calendar(peanut_db)
    created = await api.ingest_event(meeting(location="Room 1"))
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    sparse = meeting(title="", attendees=[], organizer=None, status="cancelled", sequence=1)
    outcome = await api.ingest_event(sparse)

    assert outcome.outcome == "cancelled"
    event_id = next(iter(before["calendar_events"]))
    assert diff(before, await dump(peanut_db)) == {
        "commitments": {
            "added": [],
            "removed": [],
            "changed": {created.commitment_id: {"status"}},
        },
        "calendar_events": {
            "added": [],
            "removed": [],
            "changed": {event_id: {"sequence", "content_hash", "event_status", "updated_at"}},
        },
    }
    row = await commitment_of(peanut_db, "test-123")
    assert (row["description"], row["status"]) == ("Team Meeting", "cancelled")
    assert await participants(peanut_db, created.commitment_id) == {
        "alice@example.com": "accepted",
        "bob@example.com": "needsAction",
    }


async def test_cancelled_event_counts_once(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting())
    await api.ingest_event(meeting(status="cancelled", sequence=1))

    report = await api.ingest_events([meeting(status="cancelled", sequence=1)])

    assert (report.cancelled, report.unchanged) == (0, 1)


async def test_new_cancelled_event_is_stored_cancelled(peanut_db: Database) -> None:
    report = await calendar(peanut_db).ingest_events([meeting(status="cancelled")])

    assert (report.created, report.cancelled) == (0, 1)
    row = await commitment_of(peanut_db, "test-123")
    assert row["status"] == "cancelled"
    assert await participants(peanut_db, row["id"]) == {
        "alice@example.com": "accepted",
        "bob@example.com": "needsAction",
    }


async def test_cancelled_instance_leaves_series_open(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    weeks = [START + timedelta(weeks=n) for n in range(3)]
    await api.ingest_events([meeting("weekly", start=w, recurrence_id=w) for w in weeks])

    await api.ingest_event(
        meeting("weekly", start=weeks[1], recurrence_id=weeks[1], status="cancelled")
    )

    statuses = [
        (await commitment_of(peanut_db, "weekly", f"{w:%Y-%m-%d %H:%M:%S}"))["status"]
        for w in weeks
    ]
    assert statuses == ["open", "cancelled", "open"]


async def test_reinstated_event_reopens(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting(status="cancelled"))

    outcome = await api.ingest_event(meeting(status="confirmed", sequence=1))

    assert outcome.outcome == "updated"
    assert (await commitment_of(peanut_db, "test-123"))["status"] == "open"


async def test_completed_meeting_stays_completed_on_response_change(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    past = datetime(2020, 5, 4, 9, 0, tzinfo=UTC)
    await api.ingest_event(meeting(start=past))
    assert await api.complete_past_meetings() == 1

    attendees = [("alice@example.com", "Alice", "accepted"), ("bob@example.com", "Bob", "accepted")]
    await api.ingest_event(meeting(start=past, attendees=attendees))

    row = await commitment_of(peanut_db, "test-123")
    assert row["status"] == "completed"
    assert row["completed_at"] == "2020-05-04 10:00:00"


async def test_completed_meeting_moved_to_future_reopens(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting(start=datetime(2020, 5, 4, 9, 0, tzinfo=UTC)))
    await api.complete_past_meetings()

    await api.ingest_event(meeting(start=START))

    row = await commitment_of(peanut_db, "test-123")
    assert (row["status"], row["completed_at"]) == ("open", None)


# SEQUENCE ordering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order", [(1, 3, 2), (3, 2, 1), (2, 1, 3)], ids=lambda o: "-".join(map(str, o))
)
async def test_highest_sequence_wins_in_batch(peanut_db: Database, order: tuple[int, ...]) -> None:
    events = [meeting(title=f"version {n}", sequence=n) for n in order]

    report = await calendar(peanut_db).ingest_events(events)

    assert (report.created, report.stale) == (1, 2)
    assert (await commitment_of(peanut_db, "test-123"))["description"] == "version 3"
    assert await peanut_db.fetch_value("SELECT sequence FROM calendar_events") == 3
    assert len(report.warnings) == 2


async def test_equal_sequence_later_event_wins_in_batch(peanut_db: Database) -> None:
    report = await calendar(peanut_db).ingest_events(
        [meeting(title="first"), meeting(title="second")]
    )

    assert (report.created, report.stale) == (1, 1)
    assert (await commitment_of(peanut_db, "test-123"))["description"] == "second"


async def test_stored_higher_sequence_is_kept(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting(title="version 5", sequence=5))
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    outcome = await api.ingest_event(
        meeting(title="version 4", sequence=4, start=START + timedelta(hours=1))
    )

    assert outcome.outcome == "stale"
    assert diff(before, await dump(peanut_db)) == {}


async def test_equal_sequence_change_is_applied(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting(title="before", sequence=2))

    outcome = await api.ingest_event(meeting(title="after", sequence=2))

    assert outcome.outcome == "updated"
    assert (await commitment_of(peanut_db, "test-123"))["description"] == "after"


async def test_higher_sequence_is_applied_across_imports(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting(title="version 1", sequence=1))

    report = await api.ingest_events(
        [meeting(title="version 3", sequence=3), meeting(title="version 2", sequence=2)]
    )

    assert (report.updated, report.stale) == (1, 1)
    assert (await commitment_of(peanut_db, "test-123"))["description"] == "version 3"


async def test_identity_includes_source_and_recurrence(peanut_db: Database) -> None:
    events = [
        meeting("same"),
        meeting("same", source="other"),
        meeting("same", start=START, recurrence_id=START),
        meeting("same_"),
        meeting("sam%"),
    ]

    report = await calendar(peanut_db).ingest_events(events)

    assert report.created == 5
    assert await count(peanut_db, "commitments") == 5


async def test_empty_batch_reports_nothing(peanut_db: Database) -> None:
    report = await calendar(peanut_db).ingest_events([])

    assert report == ImportReport()
    assert report.total == 0
    assert report.is_complete


async def test_report_counts_every_event_once(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_events([meeting("same"), meeting("moved"), meeting("cancel")])

    report = await api.ingest_events(
        [
            meeting("same"),
            meeting("moved", start=START + timedelta(hours=2)),
            meeting("cancel", status="cancelled"),
            meeting("new"),
            meeting("new", title="newer", sequence=1),
        ]
    )

    counts = (report.created, report.updated, report.unchanged, report.cancelled, report.stale)
    assert counts == (1, 1, 1, 1, 1)
    assert report.total == 5


def test_import_issue_describe() -> None:
    assert (
        ImportIssue("a.ics", "uid-1", "no DTSTART").describe() == "a.ics: event uid-1: no DTSTART"
    )
    assert ImportIssue("a.ics", None, "not a calendar").describe() == "a.ics: not a calendar"
    assert ImportIssue(None, "uid-1", "rejected").describe() == "event uid-1: rejected"
    assert ImportIssue(None, None, "rejected").describe() == "rejected"


def test_combine_reports_adds_counts_and_issues() -> None:
    first = ImportReport(created=2, errors=(ImportIssue("a.ics", "x", "bad"),), files=("a.ics",))
    second = ImportReport(
        created=1,
        unchanged=3,
        stale=1,
        warnings=(ImportIssue("b.ics", None, "odd"),),
        files=("b.ics",),
    )

    total = combine_reports([first, second])

    assert total == ImportReport(
        created=3,
        unchanged=3,
        stale=1,
        errors=(ImportIssue("a.ics", "x", "bad"),),
        warnings=(ImportIssue("b.ics", None, "odd"),),
        files=("a.ics", "b.ics"),
    )
    assert not total.is_complete
