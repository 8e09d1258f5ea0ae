"""parse_google: payload shapes, field mapping, recurrence and instances, on hand-written
resources and the real corpus."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from _corpus import CORPUS, corpus_files

from peanut_async._errors import CalendarParseError, ValidationError
from peanut_async.plugins.calendar._google import parse_google
from peanut_async.plugins.calendar._model import (
    Attendee,
    CalendarEvent,
    EventIssue,
    ParsedCalendar,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
WIDE = {
    "window_start": datetime(2026, 1, 1, tzinfo=UTC),
    "window_end": datetime(2027, 1, 1, tzinfo=UTC),
}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def resource(**fields: Any) -> dict[str, Any]:
    """Return a minimal timed event resource with ``fields`` added or replaced."""
    item: dict[str, Any] = {
        "kind": "calendar#event",
        "id": "evt1",
        "status": "confirmed",
        "summary": "Sync",
        "start": {"dateTime": "2026-03-02T10:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-03-02T11:00:00+01:00", "timeZone": "Europe/Berlin"},
    }
    item.update(fields)
    return item


def parse(data: Any, **options: Any) -> ParsedCalendar:
    options.setdefault("now", NOW)
    return parse_google(data, file="events.json", **options)


def only(parsed: ParsedCalendar) -> CalendarEvent:
    assert len(parsed.events) == 1, parsed
    return parsed.events[0]


def reasons(issues: object) -> list[str]:
    return [issue.reason for issue in issues]  # type: ignore[attr-defined]


# Payload shapes -----------------------------------------------------------------------


def test_single_event_resource() -> None:
    event = only(parse(json.dumps(resource()).encode()))

    assert event.identity == ("google", "evt1", "")
    assert (event.start, event.end) == (utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 10, 0))
    assert event.title == "Sync"


def test_events_list_items() -> None:
    payload = {"kind": "calendar#events", "items": [resource(id="a"), resource(id="b")]}

    assert [event.source_id for event in parse(payload).events] == ["a", "b"]


def test_json_array_of_resources() -> None:
    assert [event.source_id for event in parse(json.dumps([resource(id="a")])).events] == ["a"]


def test_text_payload() -> None:
    assert only(parse(json.dumps(resource()))).source_id == "evt1"


def test_http_response_dump() -> None:
    body = json.dumps({"items": [resource()]})
    data = f"HTTP/1.1 200 OK\r\nContent-type: application/json\r\n\r\n{body}".encode()

    assert only(parse(data)).source_id == "evt1"


def test_http_response_without_blank_line_is_rejected() -> None:
    with pytest.raises(CalendarParseError) as caught:
        parse(b"HTTP/1.1 200 OK\r\nContent-type: application/json\r\n")

    assert caught.value.reason == "the HTTP response has no blank line before its body"


def test_invalid_json_is_rejected() -> None:
    with pytest.raises(CalendarParseError) as caught:
        parse(b'{"items": [}')

    assert caught.value.file == "events.json"
    assert caught.value.reason == "invalid JSON at line 1, column 12: Expecting value"


def test_icalendar_data_is_rejected_with_format_hint() -> None:
    data = (CORPUS / "ics" / "khal__event_dt_partstat.ics").read_bytes()

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.reason == (
        "invalid JSON at line 1, column 1: Expecting value; the data starts with 'BEGIN:', as "
        "iCalendar does, so import it with format 'ics' or 'auto' (the --format option)"
    )


@pytest.mark.parametrize("data", [b"", b" \r\n", "", b"\xef\xbb\xbf\n"])
def test_blank_data_warns_no_events(data: bytes | str) -> None:
    parsed = parse(data)

    assert parsed == ParsedCalendar(
        (), warnings=(EventIssue("events.json", None, "no events found in the file"),)
    )


def test_empty_items_warns_no_events() -> None:
    parsed = parse({"kind": "calendar#events", "items": []})

    assert parsed.events == ()
    assert reasons(parsed.warnings) == ["no events found in the file"]


def test_invalid_utf8_is_rejected_with_offset() -> None:
    data = b'{"summary": "M\xfcnchen"}'

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.offset == data.index(b"\xfc")


@pytest.mark.parametrize("payload", [b'"text"', b"{}", b'{"kind": "calendar#calendarList"}'])
def test_json_without_events_is_rejected(payload: bytes) -> None:
    with pytest.raises(CalendarParseError):
        parse(payload)


def test_items_that_is_not_a_list_is_rejected() -> None:
    with pytest.raises(CalendarParseError) as caught:
        parse({"items": {"id": "x"}})

    assert caught.value.reason == "'items' must be a list, got dict"


def test_data_of_other_type_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        parse(42)

    assert caught.value.field == "data"


# One bad item -------------------------------------------------------------------------


def test_bad_item_is_reported_and_others_import() -> None:
    items = [
        resource(id="no-start", start=None),
        resource(id="bad-time", start={"dateTime": "Monday at nine"}),
        "not an object",
        resource(id="ok"),
    ]

    parsed = parse({"items": items})

    assert [event.source_id for event in parsed.events] == ["ok"]
    assert [(issue.event_id, issue.reason) for issue in parsed.errors] == [
        ("no-start", "the event has no start"),
        (
            "bad-time",
            "start.dateTime must be an RFC 3339 date-time like '2026-01-31T09:00:00Z', "
            "got 'Monday at nine'",
        ),
        (None, "item 2 is not a JSON object: 'not an object'"),
    ]


def test_item_without_id_is_reported() -> None:
    item = resource()
    del item["id"]

    parsed = parse({"items": [item]})

    assert parsed.events == ()
    assert reasons(parsed.errors) == ["the event has no id"]


def test_end_before_start_is_reported() -> None:
    parsed = parse(resource(end={"dateTime": "2026-03-02T08:00:00Z"}))

    assert parsed.events == ()
    assert parsed.errors[0].reason.startswith("'end' must be at or after the start")


def test_text_field_of_wrong_type_is_reported() -> None:
    parsed = parse(resource(summary=["Sync"]))

    assert reasons(parsed.errors) == ["'summary' must be a string, got ['Sync']"]


# Fields -------------------------------------------------------------------------------


def test_id_is_source_id_not_ical_uid() -> None:
    event = only(parse(resource(iCalUID="abc@google.com")))

    assert event.source_id == "evt1"


def test_all_day_event_stays_dates() -> None:
    event = only(parse(resource(start={"date": "2026-03-02"}, end={"date": "2026-03-04"})))

    assert (event.start, event.end, event.all_day) == (date(2026, 3, 2), date(2026, 3, 4), True)


def test_date_time_without_offset_uses_time_zone() -> None:
    item = resource(
        start={"dateTime": "2026-07-01T09:00:00", "timeZone": "America/New_York"},
        end={"dateTime": "2026-07-01T10:00:00", "timeZone": "America/New_York"},
    )

    assert only(parse(item)).start == utc(2026, 7, 1, 13, 0)


def test_naive_date_time_uses_list_zone() -> None:
    item = resource(start={"dateTime": "2026-07-01T09:00:00"}, end=None)

    event = only(
        parse({"timeZone": "Europe/Prague", "items": [item]}, default_timezone="America/New_York")
    )

    assert event.start == utc(2026, 7, 1, 7, 0)


def test_unknown_time_zone_is_warned_about() -> None:
    item = resource(start={"dateTime": "2026-07-01T09:00:00", "timeZone": "Mars/Olympus"}, end=None)

    parsed = parse(item)

    assert only(parsed).start == utc(2026, 7, 1, 9, 0)
    assert reasons(parsed.warnings) == [
        "start.timeZone 'Mars/Olympus' is not a known time zone; used UTC"
    ]


def test_text_fields_are_mapped() -> None:
    event = only(
        parse(
            resource(summary="Review", description="Agenda", location="Room 4", sequence=3),
            source="work",
        )
    )

    assert (event.title, event.description, event.location, event.sequence, event.source) == (
        "Review",
        "Agenda",
        "Room 4",
        3,
        "work",
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [("confirmed", "confirmed"), ("tentative", "tentative"), ("cancelled", "cancelled")],
)
def test_status_is_mapped(status: str, expected: str) -> None:
    assert only(parse(resource(status=status))).status == expected


def test_unknown_status_is_confirmed_with_warning() -> None:
    parsed = parse(resource(status="postponed"))

    assert only(parsed).status == "confirmed"
    assert reasons(parsed.warnings) == ["unknown status 'postponed'; read as confirmed"]


def test_attendees_are_mapped() -> None:
    attendees = [
        {"email": "Ann@Example.com", "displayName": "Ann", "responseStatus": "accepted"},
        {"email": "bob@example.com", "responseStatus": "declined"},
        {"email": "cy@example.com", "responseStatus": "tentative", "optional": True},
        {"email": "dee@example.com"},
        {"email": "room4@resource.calendar.google.com", "displayName": "Room 4", "resource": True},
    ]

    parsed = parse(resource(attendees=attendees))

    assert only(parsed).attendees == (
        Attendee("ann@example.com", "Ann", "accepted"),
        Attendee("bob@example.com", None, "declined"),
        Attendee("cy@example.com", None, "tentative"),
        Attendee("dee@example.com", None, "needsAction"),
    )
    assert parsed.warnings == ()


def test_unknown_response_status_is_needs_action_with_warning() -> None:
    parsed = parse(resource(attendees=[{"email": "ann@example.com", "responseStatus": "maybe"}]))

    assert only(parsed).attendees[0].response_status == "needsAction"
    assert reasons(parsed.warnings) == [
        "attendee ann@example.com has an unknown responseStatus 'maybe'; read as needsAction"
    ]


def test_attendee_without_email_is_skipped_with_warning() -> None:
    parsed = parse(resource(attendees=[{"displayName": "Guest"}, {"email": "ann@example.com"}]))

    assert [attendee.email for attendee in only(parsed).attendees] == ["ann@example.com"]
    assert reasons(parsed.warnings) == ["attendee email None is not an e-mail address; skipped"]


def test_omitted_attendees_are_warned_about() -> None:
    parsed = parse(resource(attendeesOmitted=True, attendees=[{"email": "ann@example.com"}]))

    assert reasons(parsed.warnings) == [
        "Google left some attendees out of this event (attendeesOmitted)"
    ]


def test_organizer_is_mapped() -> None:
    event = only(parse(resource(organizer={"email": "Boss@Example.com", "displayName": "Boss"})))

    assert (event.organizer_email, event.organizer_name) == ("boss@example.com", "Boss")


def test_non_email_organizer_is_dropped() -> None:
    parsed = parse(resource(organizer={"email": "MockAccount", "displayName": "MockAccount"}))

    event = only(parsed)
    assert (event.organizer_email, event.organizer_name) == (None, None)
    assert reasons(parsed.warnings) == [
        "organizer email 'MockAccount' is not an e-mail address; the event has no organizer"
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "conferenceData": {
                    "entryPoints": [
                        {"entryPointType": "phone", "uri": "tel:+1-555-0100"},
                        {"entryPointType": "video", "uri": "https://meet.google.com/abc-defg-hij"},
                    ]
                },
                "hangoutLink": "https://meet.google.com/old-link",
            },
            "https://meet.google.com/abc-defg-hij",
        ),
        (
            {"hangoutLink": "https://meet.google.com/abc-defg-hij"},
            "https://meet.google.com/abc-defg-hij",
        ),
        ({"description": "Join https://example.zoom.us/j/99 now"}, "https://example.zoom.us/j/99"),
        (
            {"location": "https://teams.microsoft.com/l/meetup-join/1"},
            "https://teams.microsoft.com/l/meetup-join/1",
        ),
        ({"description": "https://docs.example.com/agenda"}, None),
    ],
)
def test_meeting_url_is_found(fields: dict[str, Any], expected: str | None) -> None:
    assert only(parse(resource(**fields))).meeting_url == expected


def test_duplicate_id_keeps_highest_sequence() -> None:
    items = [resource(sequence=2, summary="new"), resource(sequence=1, summary="old")]

    parsed = parse({"items": items})

    assert only(parsed).title == "new"
    assert len(parsed.warnings) == 1


def test_duplicate_id_tie_keeps_later_updated() -> None:
    items = [
        resource(summary="newer", updated="2026-02-02T10:00:00.000Z"),
        resource(summary="older", updated="2026-02-01T10:00:00.000Z"),
    ]

    assert only(parse({"items": items})).title == "newer"


# Recurrence and instances -------------------------------------------------------------


WEEKLY = resource(
    id="series",
    start={"dateTime": "2026-10-19T09:00:00-04:00", "timeZone": "America/New_York"},
    end={"dateTime": "2026-10-19T10:00:00-04:00", "timeZone": "America/New_York"},
    recurrence=["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=America/New_York:20261026T090000"],
)


def test_recurrence_is_expanded_in_event_time_zone() -> None:
    parsed = parse({"items": [WEEKLY]}, **WIDE)

    # New York leaves daylight saving time on 1 November; the meeting stays at 09:00.
    assert [(event.identity[2], event.start) for event in parsed.events] == [
        ("2026-10-19 13:00:00", utc(2026, 10, 19, 13, 0)),
        ("2026-11-02 14:00:00", utc(2026, 11, 2, 14, 0)),
        ("2026-11-09 14:00:00", utc(2026, 11, 9, 14, 0)),
    ]
    assert {event.recurrence_rule for event in parsed.events} == {"FREQ=WEEKLY;COUNT=4"}


def test_instance_replaces_its_occurrence() -> None:
    moved = resource(
        id="series_20261102T140000Z",
        recurringEventId="series",
        originalStartTime={"dateTime": "2026-11-02T09:00:00-05:00", "timeZone": "America/New_York"},
        start={"dateTime": "2026-11-03T09:00:00-05:00", "timeZone": "America/New_York"},
        end={"dateTime": "2026-11-03T10:00:00-05:00", "timeZone": "America/New_York"},
        summary="Sync (moved)",
    )

    parsed = parse({"items": [WEEKLY, moved]}, **WIDE)

    assert [(event.identity[2], event.start, event.title) for event in parsed.events] == [
        ("2026-10-19 13:00:00", utc(2026, 10, 19, 13, 0), "Sync"),
        ("2026-11-02 14:00:00", utc(2026, 11, 3, 14, 0), "Sync (moved)"),
        ("2026-11-09 14:00:00", utc(2026, 11, 9, 14, 0), "Sync"),
    ]


def test_cancelled_instance_without_start_cancels_occurrence() -> None:
    cancelled = {
        "kind": "calendar#event",
        "id": "series_20261109T140000Z",
        "status": "cancelled",
        "recurringEventId": "series",
        "originalStartTime": {
            "dateTime": "2026-11-09T09:00:00-05:00",
            "timeZone": "America/New_York",
        },
    }

    parsed = parse({"items": [WEEKLY, cancelled]}, **WIDE)

    assert [(event.start, event.status) for event in parsed.events] == [
        (utc(2026, 10, 19, 13, 0), "confirmed"),
        (utc(2026, 11, 2, 14, 0), "confirmed"),
        (utc(2026, 11, 9, 14, 0), "cancelled"),
    ]


def test_instance_without_series_keeps_identity() -> None:
    instance = resource(
        id="series_20200106T090000Z",
        recurringEventId="series",
        originalStartTime={"dateTime": "2020-01-06T09:00:00Z"},
        start={"dateTime": "2020-01-06T09:30:00Z"},
        end={"dateTime": "2020-01-06T10:30:00Z"},
    )

    event = only(parse({"items": [instance]}))

    assert event.identity == ("google", "series", "2020-01-06 09:00:00")
    assert event.start == utc(2020, 1, 6, 9, 30)


def test_all_day_instance_identity_is_date() -> None:
    instance = resource(
        id="bday_20200106",
        recurringEventId="bday",
        originalStartTime={"date": "2020-01-06"},
        start={"date": "2020-01-06"},
        end={"date": "2020-01-07"},
    )

    assert only(parse(instance)).identity == ("google", "bday", "2020-01-06")


def test_instance_without_original_start_is_reported() -> None:
    parsed = parse(resource(id="series_1", recurringEventId="series"))

    assert parsed.events == ()
    assert [(issue.event_id, issue.reason) for issue in parsed.errors] == [
        ("series", "the instance has recurringEventId but no originalStartTime")
    ]


def test_cancelled_event_without_start_is_reported() -> None:
    parsed = parse({"items": [{"id": "gone", "status": "cancelled"}, resource(id="ok")]})

    assert [event.source_id for event in parsed.events] == ["ok"]
    assert [(issue.event_id, issue.reason) for issue in parsed.errors] == [
        ("gone", "the event has no start")
    ]


def test_unknown_recurrence_line_is_ignored_with_warning() -> None:
    item = dict(WEEKLY, recurrence=["RRULE:FREQ=WEEKLY;COUNT=1", "EXRULE:FREQ=DAILY"])

    parsed = parse({"items": [item]}, **WIDE)

    assert len(parsed.events) == 1
    assert reasons(parsed.warnings) == [
        "recurrence line 'EXRULE:FREQ=DAILY' is not RRULE, RDATE or EXDATE; ignored"
    ]


def test_invalid_recurrence_line_is_reported() -> None:
    item = dict(WEEKLY, recurrence=["RRULE:FREQ=WEEKLY;BYDAY=MO, TU"])

    parsed = parse({"items": [item]}, **WIDE)

    assert parsed.events == ()
    assert reasons(parsed.errors) == [
        "recurrence line RRULE has an invalid value: Expected weekday abbreviation, got:  TU"
    ]


def test_recurrence_line_with_line_break_is_reported() -> None:
    item = dict(WEEKLY, recurrence=["RRULE:FREQ=WEEKLY\r\nSUMMARY:injected"])

    parsed = parse({"items": [item]}, **WIDE)

    assert parsed.events == ()
    assert parsed.errors[0].reason.endswith("contains a line break")


# Corpus -------------------------------------------------------------------------------


def test_corpus_files_are_the_expected_three() -> None:
    assert [path.name for path in corpus_files("google")] == [
        "libkgapi__event1.json",
        "libkgapi__event2.json",
        "libkgapi__events_fetch_page1_response.http",
    ]


def test_corpus_timed_event() -> None:
    data = (CORPUS / "google" / "libkgapi__event1.json").read_bytes()

    parsed = parse_google(data, file="libkgapi__event1.json", now=NOW)

    event = only(parsed)
    assert event.identity == ("google", "3if6lf59tove1e037baa75l54t", "")
    assert (event.start, event.end) == (utc(2018, 4, 1, 8, 30), utc(2018, 4, 1, 9, 30))
    assert event.title == "Cool Meeting about stuff"
    assert event.description == "We shall meet and we shall discuss."
    assert event.location == "Meeting Room"
    assert (event.organizer_email, event.organizer_name) == ("konqui@kde.test", "Konqui")
    assert event.attendees == (
        Attendee("attendee1@kde.test", None, "needsAction"),
        Attendee("attendee2@kde.test", None, "needsAction"),
    )
    assert (parsed.errors, parsed.warnings) == ((), ())


def test_corpus_yearly_all_day_event() -> None:
    data = (CORPUS / "google" / "libkgapi__event2.json").read_bytes()

    parsed = parse_google(data, file="libkgapi__event2.json", now=NOW)

    assert [(event.identity[2], event.start, event.end) for event in parsed.events] == [
        ("2026-04-20", date(2026, 4, 20), date(2026, 4, 23)),
        ("2027-04-20", date(2027, 4, 20), date(2027, 4, 23)),
    ]
    assert {event.organizer_email for event in parsed.events} == {None}
    assert {event.attendees for event in parsed.events} == {
        (Attendee("hacker1@kde.test", "KDE Hacker 1"),)
    }
    assert reasons(parsed.warnings) == [
        "organizer email 'MockAccount' is not an e-mail address; the event has no organizer"
    ]


def test_corpus_http_response_page() -> None:
    path = CORPUS / "google" / "libkgapi__events_fetch_page1_response.http"

    parsed = parse_google(path.read_bytes(), file=path.name, now=NOW)

    event = only(parsed)
    assert event.source_id == "3if6lf59tove1e037baa75l54t"
    assert event.start == utc(2018, 4, 1, 8, 30)
    assert len(event.attendees) == 2
    assert (parsed.errors, parsed.warnings) == ((), ())
