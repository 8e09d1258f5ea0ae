"""Calendar queries: upcoming meetings, one person's meetings, completing past meetings."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from _calendar_support import calendar, commitment_of, meeting, person_id

from peanut_async import Database, DatabaseError, NotFoundError, ValidationError
from peanut_async.plugins.calendar import CalendarAPI, Meeting, MeetingAttendee


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    # Only the calendar plugin: these tests do not depend on the other plugins.
    return ["calendar"]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


async def test_plugin_api_is_typed(peanut_db: Database) -> None:
    api = peanut_db.plugin("calendar", CalendarAPI)

    assert isinstance(api, CalendarAPI)
    assert peanut_db.plugin("calendar") is api


# upcoming -------------------------------------------------------------------------------


async def upcoming_fixture(db: Database) -> datetime:
    start = now()
    await calendar(db).ingest_events(
        [
            meeting("in-5h", start=start + timedelta(hours=5), title="Later today"),
            meeting("in-1h", start=start + timedelta(hours=1), title="Soon", location="Room 2"),
            meeting("in-30h", start=start + timedelta(hours=30), title="Day after"),
            meeting("an-hour-ago", start=start - timedelta(hours=1), title="Past"),
            meeting(
                "cancelled",
                start=start + timedelta(hours=2),
                title="Called off",
                status="cancelled",
            ),
        ]
    )
    return start


async def test_upcoming_lists_next_hours_in_order(peanut_db: Database) -> None:
    start = await upcoming_fixture(peanut_db)

    meetings = await calendar(peanut_db).upcoming(24)

    assert [m.title for m in meetings] == ["Soon", "Later today"]
    first = meetings[0]
    assert first.start == start + timedelta(hours=1)
    assert first.end == start + timedelta(hours=2)
    assert first.all_day is False
    assert first.status == "open"
    assert first.location == "Room 2"
    assert first.organizer_entity_id == await person_id(peanut_db, "alice@example.com")


async def test_upcoming_includes_attendees(peanut_db: Database) -> None:
    await upcoming_fixture(peanut_db)

    first = (await calendar(peanut_db).upcoming(24))[0]

    assert first.attendees == (
        MeetingAttendee(
            await person_id(peanut_db, "alice@example.com"),
            "Alice",
            "alice@example.com",
            "accepted",
        ),
        MeetingAttendee(
            await person_id(peanut_db, "bob@example.com"), "Bob", "bob@example.com", "needsAction"
        ),
    )


async def test_upcoming_window_grows_with_hours(peanut_db: Database) -> None:
    await upcoming_fixture(peanut_db)

    meetings = await calendar(peanut_db).upcoming(hours=48)

    assert [m.title for m in meetings] == ["Soon", "Later today", "Day after"]


async def test_upcoming_accepts_fractional_hours(peanut_db: Database) -> None:
    await upcoming_fixture(peanut_db)

    meetings = await calendar(peanut_db).upcoming(hours=1.5)

    assert [m.title for m in meetings] == ["Soon"]


async def test_upcoming_includes_cancelled_on_request(peanut_db: Database) -> None:
    await upcoming_fixture(peanut_db)

    meetings = await calendar(peanut_db).upcoming(24, include_cancelled=True)

    assert [(m.title, m.status) for m in meetings] == [
        ("Soon", "open"),
        ("Called off", "cancelled"),
        ("Later today", "open"),
    ]


async def test_upcoming_all_day_meeting_starts_at_utc_midnight(peanut_db: Database) -> None:
    tomorrow = (now() + timedelta(days=1)).date()
    await calendar(peanut_db).ingest_event(
        meeting("offsite", start=tomorrow, end=tomorrow + timedelta(days=1))
    )

    meetings = await calendar(peanut_db).upcoming(hours=25)

    assert len(meetings) == 1
    assert meetings[0].start == tomorrow
    assert meetings[0].end == tomorrow + timedelta(days=1)
    assert meetings[0].all_day is True


@pytest.mark.parametrize("hours", [0, -1, math.nan, math.inf, 10**9, True, "24"], ids=repr)
async def test_upcoming_rejects_invalid_hours(peanut_db: Database, hours: object) -> None:
    with pytest.raises(ValidationError) as caught:
        await calendar(peanut_db).upcoming(hours)  # type: ignore[arg-type]

    assert caught.value.field == "hours"
    assert caught.value.value is hours


# meetings_for_entity --------------------------------------------------------------------------


async def test_meetings_for_entity_lists_other_attendees(peanut_db: Database) -> None:
    start = now()
    api = calendar(peanut_db)
    await api.ingest_events(
        [
            meeting(
                "one-on-one",
                start=start + timedelta(days=1),
                title="1:1",
                attendees=[
                    ("alice@example.com", "Alice", "accepted"),
                    ("bob@example.com", "Bob", "accepted"),
                ],
            ),
            meeting(
                "review",
                start=start + timedelta(days=2),
                title="Review",
                attendees=[
                    ("bob@example.com", "Bob", "tentative"),
                    ("carol@example.com", "Carol", "declined"),
                    ("dave@example.com", None, "needsAction"),
                ],
                organizer="carol@example.com",
            ),
            meeting(
                "organized-by-bob",
                start=start + timedelta(days=3),
                title="Bob's planning",
                attendees=[("erin@example.com", "Erin", "accepted")],
                organizer="bob@example.com",
            ),
            meeting("next-month", start=start + timedelta(days=30), title="Far away"),
            meeting(
                "without-bob",
                start=start + timedelta(days=1),
                title="Not Bob's",
                attendees=[("alice@example.com", "Alice", "accepted")],
            ),
        ]
    )
    bob = await person_id(peanut_db, "bob@example.com")

    meetings = await api.meetings_for_entity(bob, days=7)

    assert [m.title for m in meetings] == ["1:1", "Review", "Bob's planning"]
    assert [[(a.name, a.response_status) for a in m.attendees] for m in meetings] == [
        [("Alice", "accepted")],
        [("Carol", "declined"), ("dave", "needsAction")],
        [("Erin", "accepted")],
    ]


async def test_meetings_for_entity_window_in_days(peanut_db: Database) -> None:
    start = now()
    await calendar(peanut_db).ingest_events(
        [meeting(f"day-{n}", start=start + timedelta(days=n, hours=1)) for n in range(10)]
    )
    alice = await person_id(peanut_db, "alice@example.com")

    meetings = await calendar(peanut_db).meetings_for_entity(alice, days=3)

    assert [m.commitment_id for m in meetings] == [
        (await commitment_of(peanut_db, f"day-{n}"))["id"] for n in range(3)
    ]


async def test_meetings_for_entity_unknown_id(peanut_db: Database) -> None:
    with pytest.raises(NotFoundError) as caught:
        await calendar(peanut_db).meetings_for_entity("no-such-id")

    assert caught.value.kind == "entity"
    assert caught.value.key == "no-such-id"


async def test_meetings_for_entity_rejects_invalid_days(peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        await calendar(peanut_db).meetings_for_entity("x", days=0)

    assert caught.value.field == "days"


# complete_past_meetings -----------------------------------------------------------------------


async def test_complete_past_meetings_marks_ended_only(peanut_db: Database) -> None:
    start = now()
    api = calendar(peanut_db)
    await api.ingest_events(
        [
            meeting("ended", start=start - timedelta(hours=3), end=start - timedelta(hours=2)),
            meeting("all-day-past", start=date(2020, 1, 1), end=date(2020, 1, 2)),
            meeting(
                "in-progress",
                start=start - timedelta(minutes=30),
                end=start + timedelta(minutes=30),
            ),
            meeting("future", start=start + timedelta(hours=1)),
            meeting("cancelled-past", start=start - timedelta(hours=5), status="cancelled"),
        ]
    )

    completed = await api.complete_past_meetings()

    assert completed == 2
    statuses = {
        uid: (await commitment_of(peanut_db, uid))["status"]
        for uid in ("ended", "all-day-past", "in-progress", "future", "cancelled-past")
    }
    assert statuses == {
        "ended": "completed",
        "all-day-past": "completed",
        "in-progress": "open",
        "future": "open",
        "cancelled-past": "cancelled",
    }


async def test_complete_past_meetings_records_end_as_completed_at(peanut_db: Database) -> None:
    start = now()
    api = calendar(peanut_db)
    await api.ingest_events(
        [
            meeting("ended", start=start - timedelta(hours=3), end=start - timedelta(hours=2)),
            meeting("all-day-past", start=date(2020, 1, 1), end=date(2020, 1, 2)),
        ]
    )

    await api.complete_past_meetings()

    assert (await commitment_of(peanut_db, "ended"))["completed_at"] == instant(
        start - timedelta(hours=2)
    )
    assert (await commitment_of(peanut_db, "all-day-past"))["completed_at"] == "2020-01-02 00:00:00"


async def test_complete_past_meetings_twice_completes_nothing_more(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.ingest_event(meeting(start=now() - timedelta(days=1)))

    assert await api.complete_past_meetings() == 1
    assert await api.complete_past_meetings() == 0


# Stored text forms ----------------------------------------------------------------------------


async def test_schema_rejects_iso_t_z_form(peanut_db: Database) -> None:
    with pytest.raises(DatabaseError, match="CHECK constraint failed"):
        await peanut_db.execute(
            "INSERT INTO commitments (id, type, description, due_date) "
            "VALUES ('c1', 'meeting', 'x', ?)",
            ("2030-01-07T09:00:00Z",),
        )


async def insert_unchecked(
    db: Database, commitment_id: str, title: str, due: str, end: str
) -> None:
    # A row written by a tool that bypassed the CHECK constraints.
    async with db.transaction():
        await db.execute("PRAGMA ignore_check_constraints = ON")
        try:
            await db.execute(
                "INSERT INTO commitments (id, type, description, due_date, end_date) "
                "VALUES (?, 'meeting', ?, ?, ?)",
                (commitment_id, title, due, end),
            )
        finally:
            await db.execute("PRAGMA ignore_check_constraints = OFF")


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_iso_t_z_past_meeting_is_not_upcoming(peanut_db: Database) -> None:
    # Compared as text, '...T..Z' sorts after every 'YYYY-MM-DD HH:MM:SS' of the same
    # day, so a meeting that ended a minute ago would look upcoming.
    start = now()
    await insert_unchecked(
        peanut_db,
        "c-past",
        "Past",
        iso_z(start - timedelta(minutes=2)),
        iso_z(start - timedelta(minutes=1)),
    )
    await insert_unchecked(
        peanut_db,
        "c-soon",
        "Soon",
        iso_z(start + timedelta(hours=2)),
        iso_z(start + timedelta(hours=3)),
    )

    meetings = await calendar(peanut_db).upcoming(24)

    assert [m.commitment_id for m in meetings] == ["c-soon"]
    assert meetings[0].start == start + timedelta(hours=2)
    assert meetings[0].end == start + timedelta(hours=3)


async def test_iso_t_z_past_meeting_is_completed(peanut_db: Database) -> None:
    start = now()
    await insert_unchecked(
        peanut_db,
        "c-past",
        "Past",
        iso_z(start - timedelta(minutes=2)),
        iso_z(start - timedelta(minutes=1)),
    )
    await insert_unchecked(
        peanut_db,
        "c-soon",
        "Soon",
        iso_z(start + timedelta(hours=2)),
        iso_z(start + timedelta(hours=3)),
    )

    completed = await calendar(peanut_db).complete_past_meetings()

    assert completed == 1
    row = await peanut_db.fetch_one(
        "SELECT status, completed_at FROM commitments WHERE id = 'c-past'"
    )
    assert row is not None
    assert tuple(row) == ("completed", instant(start - timedelta(minutes=1)))
    assert (
        await peanut_db.fetch_value("SELECT status FROM commitments WHERE id = 'c-soon'") == "open"
    )


def test_meeting_record_is_frozen() -> None:
    record = Meeting("c", "t", date(2030, 1, 1), None, True, "open", None, None, None, ())

    with pytest.raises(AttributeError):
        record.title = "changed"  # type: ignore[misc]
