"""The calendar event model: email normalization, Attendee and CalendarEvent validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest

from peanut_async._errors import ValidationError
from peanut_async.plugins.calendar._model import (
    Attendee,
    CalendarEvent,
    merge_attendees,
    normalize_email,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ann@example.com", "ann@example.com"),
        ("MAILTO:Ann.Lee@Example.COM", "ann.lee@example.com"),
        ("mailto:ann@example.com", "ann@example.com"),
        ("MailTo:ann@example.com", "ann@example.com"),
        ("  mailto:  ann@example.com  ", "ann@example.com"),
        ("4dhm@virtual", "4dhm@virtual"),
    ],
)
def test_normalize_email_accepts_addresses(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "mailto:",
        "MockAccount",
        "@example.com",
        "ann@",
        "ann@b@example.com",
        "hcabot@ example.com",
        "ann lee@example.com",
        "Ann <ann@example.com>",
        "X-KEY=1;CN=Ann:mailto:ann@example.com",
        "urn:uuid:0b8e",
    ],
)
def test_normalize_email_rejects_non_addresses(raw: str) -> None:
    assert normalize_email(raw) is None


def test_normalize_email_rejects_non_string() -> None:
    assert normalize_email(None) is None
    assert normalize_email(42) is None


def test_attendee_normalizes_email() -> None:
    attendee = Attendee("MAILTO:Bob@Example.com", "  Bob  ")

    assert attendee.email == "bob@example.com"
    assert attendee.name == "Bob"
    assert attendee.response_status == "needsAction"


def test_attendee_empty_name_is_none() -> None:
    assert Attendee("bob@example.com", "   ").name is None


def test_attendee_rejects_invalid_email() -> None:
    with pytest.raises(ValidationError) as caught:
        Attendee("Meeting Room 4")

    assert caught.value.field == "email"
    assert caught.value.value == "Meeting Room 4"
    assert "'email' must be an email address" in str(caught.value)


def test_attendee_rejects_unknown_response_status() -> None:
    with pytest.raises(ValidationError) as caught:
        Attendee("bob@example.com", response_status="DECLINED")  # type: ignore[arg-type]

    assert caught.value.field == "response_status"
    assert caught.value.value == "DECLINED"


def test_merge_attendees_keeps_first_name_and_definitive_status() -> None:
    merged = merge_attendees(
        [
            Attendee("ann@example.com", None, "needsAction"),
            Attendee("bob@example.com", "Bob", "accepted"),
            Attendee("ANN@example.com", "Ann", "needsAction"),
            Attendee("ann@example.com", "Ann Lee", "tentative"),
            Attendee("ann@example.com", "Other", "declined"),
        ]
    )

    assert merged == (
        Attendee("ann@example.com", "Ann", "tentative"),
        Attendee("bob@example.com", "Bob", "accepted"),
    )


def test_event_deduplicates_attendees() -> None:
    event = CalendarEvent(
        "uid-1",
        START,
        attendees=[
            Attendee("ann@example.com"),
            Attendee("mailto:ANN@example.com", "Ann", "accepted"),
        ],
    )

    assert event.attendees == (Attendee("ann@example.com", "Ann", "accepted"),)


def test_event_rejects_attendee_of_wrong_type() -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", START, attendees=["ann@example.com"])  # type: ignore[list-item]

    assert caught.value.field == "attendees"
    assert caught.value.value == "ann@example.com"


def test_event_defaults() -> None:
    event = CalendarEvent("uid-1", START)

    assert event.end == START
    assert event.title == ""
    assert event.status == "confirmed"
    assert event.sequence == 0
    assert event.source == "calendar"
    assert event.attendees == ()
    assert event.recurrence_id is None
    assert event.all_day is False


def test_event_converts_start_and_end_to_utc() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    event = CalendarEvent(
        "uid-1",
        datetime(2026, 7, 1, 10, 0, tzinfo=berlin),
        datetime(2026, 7, 1, 11, 0, tzinfo=berlin),
    )

    assert event.start == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert isinstance(event.start, datetime)
    assert event.start.tzinfo is UTC
    assert event.end == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def test_event_rejects_naive_start() -> None:
    naive = datetime(2026, 3, 2, 9, 0)

    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", naive)

    assert caught.value.field == "start"
    assert caught.value.value == naive


def test_event_rejects_naive_end() -> None:
    naive = datetime(2026, 3, 2, 10, 0)

    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", START, naive)

    assert caught.value.field == "end"
    assert caught.value.value == naive


def test_all_day_event_without_end_lasts_one_day() -> None:
    event = CalendarEvent("uid-1", date(2026, 3, 2))

    assert event.end == date(2026, 3, 3)
    assert event.all_day is True


def test_all_day_event_with_end_equal_to_start_lasts_one_day() -> None:
    event = CalendarEvent("uid-1", date(2026, 3, 2), date(2026, 3, 2))

    assert event.end == date(2026, 3, 3)


def test_all_day_event_keeps_multi_day_end() -> None:
    event = CalendarEvent("uid-1", date(2026, 3, 2), date(2026, 3, 5))

    assert event.end == date(2026, 3, 5)


def test_timed_event_with_end_equal_to_start_lasts_zero() -> None:
    assert CalendarEvent("uid-1", START, START).end == START


def test_event_rejects_end_before_start() -> None:
    end = START - timedelta(minutes=1)

    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", START, end)

    assert caught.value.field == "end"
    assert caught.value.value == end
    assert caught.value.expected == "at or after the start (2026-03-02T09:00:00+00:00)"


def test_all_day_event_rejects_end_before_start() -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", date(2026, 3, 2), date(2026, 3, 1))

    assert caught.value.field == "end"
    assert caught.value.value == date(2026, 3, 1)


def test_event_rejects_datetime_end_for_all_day_start() -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", date(2026, 3, 2), START)

    assert caught.value.field == "end"
    assert caught.value.expected == "a date, like the all-day start"


def test_event_rejects_date_end_for_timed_start() -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", START, date(2026, 3, 3))

    assert caught.value.field == "end"
    assert caught.value.expected == "an aware datetime, like the start"


def test_event_rejects_start_of_other_type() -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", "2026-03-02")  # type: ignore[arg-type]

    assert caught.value.field == "start"
    assert caught.value.value == "2026-03-02"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source_id", ""),
        ("source", ""),
        ("title", None),
        ("description", 3),
        ("location", b"room"),
        ("status", "CANCELLED"),
        ("sequence", -1),
        ("sequence", True),
        ("organizer_email", "MockAccount"),
        ("meeting_url", 1),
        ("recurrence_rule", 1),
    ],
)
def test_event_rejects_invalid_field(field: str, value: object) -> None:
    arguments: dict[str, object] = {"source_id": "uid-1", "start": START, field: value}

    with pytest.raises(ValidationError) as caught:
        CalendarEvent(**arguments)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.value == value


def test_event_normalizes_organizer_email() -> None:
    event = CalendarEvent("uid-1", START, organizer_email="MAILTO:Boss@Example.com")

    assert event.organizer_email == "boss@example.com"


def test_event_rejects_naive_recurrence_id() -> None:
    naive = datetime(2026, 3, 2, 9, 0)

    with pytest.raises(ValidationError) as caught:
        CalendarEvent("uid-1", START, recurrence_id=naive)

    assert caught.value.field == "recurrence_id"
    assert caught.value.value == naive


def test_identity_of_single_event() -> None:
    assert CalendarEvent("uid-1", START).identity == ("calendar", "uid-1", "")


def test_identity_of_timed_occurrence_is_utc_text() -> None:
    plus_two = timezone(timedelta(hours=2))
    event = CalendarEvent(
        "uid-1", START, source="work", recurrence_id=datetime(2026, 3, 2, 11, 0, tzinfo=plus_two)
    )

    assert event.recurrence_id == START
    assert event.identity == ("work", "uid-1", "2026-03-02 09:00:00")


def test_identity_of_all_day_occurrence_is_date_text() -> None:
    event = CalendarEvent("uid-1", date(2026, 3, 2), recurrence_id=date(2026, 3, 2))

    assert event.identity == ("calendar", "uid-1", "2026-03-02")


def test_evolve_keeps_resolved_end() -> None:
    event = CalendarEvent("uid-1", date(2026, 3, 2))

    moved = attrs.evolve(event, start=date(2026, 3, 9), end=date(2026, 3, 9))

    assert moved.end == date(2026, 3, 10)
    assert moved.source_id == "uid-1"


def test_event_is_frozen() -> None:
    event = CalendarEvent("uid-1", START)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.title = "changed"  # type: ignore[misc]
