"""parse_ics: bytes, structure, identity, people, recurrence and time zones, on small
hand-written calendars and on every file of the real corpus."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
from _corpus import CORPUS, corpus_files

from peanut_async._errors import CalendarParseError, ValidationError
from peanut_async.plugins.calendar._expand import recurrence_key
from peanut_async.plugins.calendar._ics import parse_ics
from peanut_async.plugins.calendar._model import (
    Attendee,
    CalendarEvent,
    EventIssue,
    ParsedCalendar,
)
from peanut_async.plugins.calendar._window import MAX_OCCURRENCES_PER_SERIES

NOW = datetime(2026, 12, 1, tzinfo=UTC)
NO_EVENTS = EventIssue("test.ics", None, "no events found in the file")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def calendar(*events: str, header: str = "") -> bytes:
    """Return a VCALENDAR holding ``events`` (VEVENT bodies or whole components), CRLF."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//peanut tests//EN"]
    lines += [line for line in header.splitlines() if line]
    for event in events:
        body = [line for line in event.strip().splitlines() if line]
        if body[0].startswith("BEGIN:"):
            lines += body
        else:
            lines += ["BEGIN:VEVENT", *body, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def parse(data: bytes, **options: object) -> ParsedCalendar:
    options.setdefault("now", NOW)
    return parse_ics(data, file="test.ics", **options)  # type: ignore[arg-type]


def parse_corpus(name: str, **options: object) -> ParsedCalendar:
    options.setdefault("now", NOW)
    return parse_ics((CORPUS / "ics" / name).read_bytes(), file=name, **options)  # type: ignore[arg-type]


def window(start: datetime, end: datetime) -> dict[str, object]:
    return {"window_start": start, "window_end": end}


def only(parsed: ParsedCalendar) -> CalendarEvent:
    assert len(parsed.events) == 1, parsed
    return parsed.events[0]


def reasons(issues: object) -> list[str]:
    return [issue.reason for issue in issues]  # type: ignore[attr-defined]


# Bytes ------------------------------------------------------------------------------


def test_fold_splitting_multibyte_character_decodes() -> None:
    # "é" is C3 A9 in UTF-8; the fold falls between the two bytes.
    data = calendar("UID:fold\nDTSTART:20260105T090000Z\nSUMMARY:Cafe").replace(
        b"Cafe", b"Caf\xc3\r\n \xa9 au lait"
    )

    assert only(parse(data)).title == "Café au lait"


def test_fold_with_lf_and_tab_unfolds() -> None:
    data = b"BEGIN:VEVENT\nUID:tab\nDTSTART:20260105T090000Z\nSUMMARY:Weekly\n\t sync\nEND:VEVENT\n"

    assert only(parse(data)).title == "Weekly sync"


def test_invalid_utf8_reports_byte_offset() -> None:
    # Latin-1 "ü" (0xFC) is not valid UTF-8.
    data = calendar("UID:bad\nDTSTART:20260105T090000Z\nSUMMARY:Munich").replace(
        b"Munich", b"M\xfcnchen"
    )
    offset = data.index(b"\xfc")

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.offset == offset
    assert caught.value.file == "test.ics"
    assert caught.value.reason.startswith(f"invalid UTF-8 at byte offset {offset} (byte 0xfc)")


def test_invalid_utf8_offset_counts_removed_folds() -> None:
    data = (
        b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260105T090000Z\r\n"
        b"SUMMARY:a\r\n b\r\n c\xff\r\nEND:VEVENT\r\n"
    )

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.offset == data.index(b"\xff")


def test_invalid_utf8_offset_counts_bom() -> None:
    data = b"\xef\xbb\xbfBEGIN:VCALENDAR\r\nX-NAME:\xc3(\r\nEND:VCALENDAR\r\n"

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.offset == data.index(b"\xc3(")


def test_nul_byte_is_rejected() -> None:
    data = calendar("UID:nul\nDTSTART:20260105T090000Z\nSUMMARY:a\x00b")

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.offset == data.index(b"\x00")
    assert "NUL byte" in caught.value.reason


def test_bom_is_stripped() -> None:
    data = b"\xef\xbb\xbf" + calendar("UID:bom\nDTSTART:20260105T090000Z\nSUMMARY:After BOM")

    assert only(parse(data)).title == "After BOM"


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n"])
def test_empty_data_warns_no_events(data: bytes) -> None:
    assert parse(data) == ParsedCalendar((), warnings=(NO_EVENTS,))


# Structure ---------------------------------------------------------------------------


def test_truncated_file_is_rejected() -> None:
    data = calendar("UID:t\nDTSTART:20260105T090000Z").removesuffix(
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.reason == (
        "the file is truncated or broken: BEGIN:VEVENT on content line 4 has no END:VEVENT"
    )


def test_end_without_begin_is_rejected() -> None:
    with pytest.raises(CalendarParseError) as caught:
        parse(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nEND:VCALENDAR\r\n")

    assert caught.value.reason == (
        "the file is broken: END:VCALENDAR on content line 3 has no matching BEGIN"
    )


def test_mismatched_end_is_rejected() -> None:
    with pytest.raises(CalendarParseError) as caught:
        parse(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\nEND:VEVENT\r\n")

    assert "END:VCALENDAR on content line 3 closes BEGIN:VEVENT from content line 2" in (
        caught.value.reason
    )


def test_text_that_is_not_icalendar_is_rejected() -> None:
    with pytest.raises(CalendarParseError) as caught:
        parse(b"hello world\r\n")

    assert caught.value.reason == (
        "content line 1 is not a valid iCalendar line: it starts with 'hello world'"
    )


def test_bad_line_error_quotes_only_line_start() -> None:
    secret = "DESCRIPTION without any colon, about salaries and alice@example.com"
    data = calendar("UID:a\nDTSTART:20260105T090000Z").replace(b"VERSION:2.0", secret.encode())

    with pytest.raises(CalendarParseError) as caught:
        parse(data)

    assert caught.value.reason == (
        "content line 2 is not a valid iCalendar line: it starts with 'DESCRIPTION without ...'"
    )
    assert "alice@example.com" not in str(caught.value)


@pytest.mark.parametrize("start", ["{", "[", "HTTP/"])
def test_json_data_is_rejected_with_format_hint(start: str) -> None:
    data = start + '"summary": "Salary talk", "email": "alice@example.com"\n'

    with pytest.raises(CalendarParseError) as caught:
        parse(data.encode())

    assert caught.value.reason == (
        f"the data is not iCalendar: it starts with {start!r}, as Google Calendar API JSON "
        "does; import it with format 'google' or 'auto' (the --format option)"
    )


def test_google_corpus_file_as_ics_hides_its_content() -> None:
    path = CORPUS / "google" / "libkgapi__event1.json"

    with pytest.raises(CalendarParseError) as caught:
        parse_ics(path.read_bytes(), file=path.name, now=NOW)

    message = str(caught.value)
    assert message.startswith("libkgapi__event1.json: the data is not iCalendar")
    assert "kde.test" not in message
    assert "We shall meet" not in message


def test_file_without_calendar_or_event_is_rejected() -> None:
    with pytest.raises(CalendarParseError) as caught:
        parse(b"BEGIN:VTODO\r\nUID:a\r\nEND:VTODO\r\n")

    assert caught.value.reason == "the file has no VCALENDAR and no VEVENT"


def test_bare_vevent_without_calendar_imports() -> None:
    data = b"BEGIN:VEVENT\r\nUID:bare\r\nDTSTART:20260105T090000Z\r\nEND:VEVENT\r\n"

    assert only(parse(data)).start == utc(2026, 1, 5, 9, 0)


def test_every_calendar_of_a_file_is_read() -> None:
    first = calendar("UID:one\nDTSTART:20260105T090000Z")
    second = calendar("UID:two\nDTSTART:20260106T090000Z")

    parsed = parse(first + second)

    assert [event.source_id for event in parsed.events] == ["one", "two"]


def test_calendar_without_events_warns_no_events() -> None:
    data = calendar("BEGIN:VTODO\nUID:todo\nEND:VTODO")

    assert parse(data) == ParsedCalendar((), warnings=(NO_EVENTS,))


# One bad event ------------------------------------------------------------------------


def test_event_without_dtstart_is_reported_and_others_import() -> None:
    parsed = parse(calendar("UID:no-start\nSUMMARY:x", "UID:ok\nDTSTART:20260105T090000Z"))

    assert [event.source_id for event in parsed.events] == ["ok"]
    assert [(issue.file, issue.event_id, issue.reason) for issue in parsed.errors] == [
        ("test.ics", "no-start", "the event has no DTSTART")
    ]


def test_event_ending_before_start_is_reported() -> None:
    parsed = parse(
        calendar(
            "UID:backwards\nDTSTART:20260105T100000Z\nDTEND:20260105T090000Z",
            "UID:ok\nDTSTART:20260105T090000Z",
        )
    )

    assert [event.source_id for event in parsed.events] == ["ok"]
    assert parsed.errors[0].event_id == "backwards"
    assert parsed.errors[0].reason.startswith("'end' must be at or after the start")


def test_unparseable_dtstart_is_reported() -> None:
    parsed = parse(
        calendar("UID:bad\nDTSTART:2026XX05T090000Z", "UID:ok\nDTSTART:20260105T090000Z")
    )

    assert [event.source_id for event in parsed.events] == ["ok"]
    assert reasons(parsed.errors) == [
        "DTSTART has an invalid value: Wrong datetime format: 2026XX05T090000Z"
    ]


def test_mixed_date_and_datetime_is_reported() -> None:
    parsed = parse(calendar("UID:mixed\nDTSTART;VALUE=DATE:20260105\nDTEND:20260106T090000Z"))

    assert parsed.events == ()
    assert reasons(parsed.errors) == [
        "'end' must be a date, like the all-day start, got "
        "datetime.datetime(2026, 1, 6, 9, 0, tzinfo=datetime.timezone.utc)"
    ]


def test_unparseable_rrule_is_reported() -> None:
    parsed = parse_corpus("icalendar__issue_165_missing_event.ics")

    assert parsed.events == ()
    assert reasons(parsed.errors) == [
        "RRULE has an invalid value: Expected weekday abbreviation, got:  TU"
    ]


def test_unreadable_property_outside_times_is_a_warning() -> None:
    parsed = parse(calendar("UID:w\nDTSTART:20260105T090000Z\nSEQUENCE:two"))

    assert only(parsed).sequence == 0
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].reason.startswith("SEQUENCE could not be read and was ignored")


def test_repeated_dtstart_is_reported() -> None:
    parsed = parse(calendar("UID:two\nDTSTART:20260105T090000Z\nDTSTART:20260106T090000Z"))

    assert parsed.events == ()
    assert reasons(parsed.errors) == [
        "the event's DTSTART could not be read as one date or date-time"
    ]


def test_repeated_duration_is_reported() -> None:
    parsed = parse(calendar("UID:two\nDTSTART:20260105T090000Z\nDURATION:PT1H\nDURATION:PT2H"))

    assert parsed.events == ()
    assert parsed.errors[0].reason.startswith("'DURATION' must be one duration such as PT1H")


# Identity -----------------------------------------------------------------------------


def test_event_without_uid_gets_stable_derived_id() -> None:
    data = calendar("DTSTART:20260105T090000Z\nSUMMARY:Standup\nORGANIZER:mailto:a@example.com")

    first, second = only(parse(data)), only(parse(data))

    assert first.source_id == second.source_id
    assert first.source_id.startswith("derived-")
    assert len(first.source_id) == len("derived-") + 32


def test_derived_id_depends_on_summary() -> None:
    one = only(parse(calendar("DTSTART:20260105T090000Z\nSUMMARY:Standup")))
    other = only(parse(calendar("DTSTART:20260105T090000Z\nSUMMARY:Retro")))

    assert one.source_id != other.source_id


def test_event_without_uid_is_warned_about() -> None:
    parsed = parse(calendar("DTSTART:20260105T090000Z\nSUMMARY:Standup"))

    assert parsed.warnings[0].event_id == only(parsed).source_id
    assert "has no UID" in parsed.warnings[0].reason


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_duplicate_uid_keeps_highest_sequence(order: tuple[int, int]) -> None:
    copies = {
        1: "UID:dup\nSEQUENCE:1\nDTSTART:20260105T090000Z\nSUMMARY:old",
        2: "UID:dup\nSEQUENCE:2\nDTSTART:20260105T100000Z\nSUMMARY:new",
    }

    parsed = parse(calendar(*(copies[number] for number in order)))

    event = only(parsed)
    assert event.title == "new"
    assert event.sequence == 2
    assert event.start == utc(2026, 1, 5, 10, 0)
    assert reasons(parsed.warnings) == [
        "the event appears 2 times; kept the copy with SEQUENCE 2 because it has a higher "
        "SEQUENCE, ignored a copy with SEQUENCE 1"
    ]


def test_duplicate_uid_tie_keeps_later_last_modified() -> None:
    parsed = parse(
        calendar(
            "UID:dup\nDTSTART:20260105T090000Z\nLAST-MODIFIED:20260102T000000Z\nSUMMARY:newer",
            "UID:dup\nDTSTART:20260105T090000Z\nLAST-MODIFIED:20260101T000000Z\nSUMMARY:older",
        )
    )

    assert only(parsed).title == "newer"
    assert "because it has a later LAST-MODIFIED" in parsed.warnings[0].reason


def test_duplicate_uid_tie_keeps_later_dtstamp() -> None:
    parsed = parse(
        calendar(
            "UID:dup\nDTSTART:20260105T090000Z\nDTSTAMP:20260102T000000Z\nSUMMARY:newer",
            "UID:dup\nDTSTART:20260105T090000Z\nDTSTAMP:20260101T000000Z\nSUMMARY:older",
        )
    )

    assert only(parsed).title == "newer"
    assert "because it has a later DTSTAMP" in parsed.warnings[0].reason


def test_duplicate_uid_tie_keeps_later_copy() -> None:
    parsed = parse_corpus("khal__event_dt_multi_uid.ics")

    assert [(event.source_id, event.title) for event in parsed.events] == [
        ("abc", "Test original"),
        ("def", "Test last"),
    ]
    assert "because it has a later position in the file" in parsed.warnings[0].reason


def test_source_is_part_of_identity() -> None:
    event = only(parse(calendar("UID:s\nDTSTART:20260105T090000Z"), source="work"))

    assert event.identity == ("work", "s", "")


# Status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("CANCELLED", "cancelled"),
        ("TENTATIVE", "tentative"),
        ("CONFIRMED", "confirmed"),
        (None, "confirmed"),
    ],
)
def test_status_maps_to_event_status(status: str | None, expected: str) -> None:
    line = f"\nSTATUS:{status}" if status else ""

    assert only(parse(calendar(f"UID:s\nDTSTART:20260105T090000Z{line}"))).status == expected


def test_unknown_status_is_confirmed_with_warning() -> None:
    parsed = parse(calendar("UID:s\nDTSTART:20260105T090000Z\nSTATUS:NEEDS-ACTION"))

    assert only(parsed).status == "confirmed"
    assert reasons(parsed.warnings) == ["unknown STATUS 'NEEDS-ACTION'; read as confirmed"]


def test_method_cancel_cancels_every_event() -> None:
    data = calendar(
        "UID:a\nDTSTART:20260105T090000Z\nSTATUS:CONFIRMED",
        "UID:b\nDTSTART:20260106T090000Z",
        header="METHOD:CANCEL",
    )

    assert [event.status for event in parse(data).events] == ["cancelled", "cancelled"]


def test_cancelled_instance_of_series_is_cancelled() -> None:
    parsed = parse_corpus(
        "rie__issue_18_cancel_status.ics", **window(utc(2020, 1, 1), utc(2020, 3, 1))
    )

    assert [(event.start, event.status) for event in parsed.events] == [
        (utc(2020, 1, 28, 21, 0), "confirmed"),
        (utc(2020, 1, 29, 21, 0), "cancelled"),
        (utc(2020, 1, 30, 21, 0), "confirmed"),
    ]


# People -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partstat", "expected"),
    [
        ("ACCEPTED", "accepted"),
        ("DECLINED", "declined"),
        ("TENTATIVE", "tentative"),
        ("NEEDS-ACTION", "needsAction"),
        ("DELEGATED", "declined"),
        ("accepted", "accepted"),
    ],
)
def test_partstat_maps_to_response_status(partstat: str, expected: str) -> None:
    data = calendar(
        f"UID:p\nDTSTART:20260105T090000Z\nATTENDEE;PARTSTAT={partstat}:mailto:ann@example.com"
    )

    assert only(parse(data)).attendees == (Attendee("ann@example.com", None, expected),)  # type: ignore[arg-type]


def test_missing_partstat_is_needs_action() -> None:
    data = calendar("UID:p\nDTSTART:20260105T090000Z\nATTENDEE:mailto:ann@example.com")

    assert only(parse(data)).attendees[0].response_status == "needsAction"


def test_unknown_partstat_is_needs_action_with_warning() -> None:
    parsed = parse(
        calendar(
            "UID:p\nDTSTART:20260105T090000Z\nATTENDEE;PARTSTAT=X-MAYBE:mailto:ann@example.com"
        )
    )

    assert only(parsed).attendees[0].response_status == "needsAction"
    assert reasons(parsed.warnings) == [
        "attendee ann@example.com has an unknown PARTSTAT 'X-MAYBE'; read as needsAction"
    ]


def test_upper_case_mailto_is_normalized() -> None:
    data = calendar(
        "UID:m\nDTSTART:20260105T090000Z\nORGANIZER;CN=Boss:MAILTO:Boss@Example.COM\n"
        'ATTENDEE;CN="Lee, Ann":MAILTO:Ann.Lee@Example.com'
    )

    event = only(parse(data))

    assert event.organizer_email == "boss@example.com"
    assert event.organizer_name == "Boss"
    assert event.attendees == (Attendee("ann.lee@example.com", "Lee, Ann", "needsAction"),)


@pytest.mark.parametrize("cutype", ["ROOM", "RESOURCE", "room"])
def test_rooms_and_resources_are_not_attendees(cutype: str) -> None:
    parsed = parse(
        calendar(
            f"UID:r\nDTSTART:20260105T090000Z\n"
            f"ATTENDEE;CUTYPE={cutype};CN=Room 4:mailto:room4@example.com\n"
            "ATTENDEE;CUTYPE=INDIVIDUAL:mailto:ann@example.com"
        )
    )

    assert [attendee.email for attendee in only(parsed).attendees] == ["ann@example.com"]
    assert parsed.warnings == ()


def test_valarm_attendee_is_not_an_attendee() -> None:
    data = calendar(
        """
BEGIN:VEVENT
UID:alarm
DTSTART:20260105T090000Z
ATTENDEE:mailto:ann@example.com
BEGIN:VALARM
ACTION:EMAIL
TRIGGER:-PT15M
SUMMARY:Reminder
DESCRIPTION:Reminder
ATTENDEE:mailto:owner@example.com
END:VALARM
END:VEVENT
"""
    )

    assert [attendee.email for attendee in only(parse(data)).attendees] == ["ann@example.com"]


def test_non_email_attendee_is_skipped_with_warning() -> None:
    parsed = parse(
        calendar(
            "UID:n\nDTSTART:20260105T090000Z\nATTENDEE;CN=Lobby:urn:uuid:0b8e-11\n"
            "ATTENDEE:mailto:ann@example.com"
        )
    )

    assert [attendee.email for attendee in only(parsed).attendees] == ["ann@example.com"]
    assert reasons(parsed.warnings) == [
        "ATTENDEE 'urn:uuid:0b8e-11' is not an e-mail address; it was skipped"
    ]


def test_non_email_organizer_is_none_with_warning() -> None:
    parsed = parse(calendar("UID:o\nDTSTART:20260105T090000Z\nORGANIZER:CN=Nobody"))

    assert only(parsed).organizer_email is None
    assert reasons(parsed.warnings) == [
        "ORGANIZER 'CN=Nobody' is not an e-mail address; it was skipped"
    ]


def test_repeated_attendee_keeps_definitive_response() -> None:
    parsed = parse_corpus("rie__subcomponents.ics")

    event = only(parsed)
    assert event.attendees == (Attendee("redacted@example.com", "redacted", "accepted"),)
    assert event.organizer_email == "redacted@example.com"


def test_confluence_parameters_after_colon_are_recovered() -> None:
    parsed = parse_corpus("rie__issue_61_confluence_broken_params.ics")

    event = only(parsed)
    assert event.attendees == (Attendee("sperson@example.com", "SamplePerson", "needsAction"),)
    # The broken fold cuts the ORGANIZER line before its address.
    assert event.organizer_email is None
    assert len(parsed.warnings) == 2
    assert parsed.warnings[0].reason.startswith("ATTENDEE has its parameters after the colon")
    assert parsed.warnings[0].reason.endswith("read the address sperson@example.com")
    assert parsed.warnings[1].reason.startswith("ORGANIZER 'X-CONFLUENCE-USER-KEY=")


def test_address_broken_by_double_space_fold_is_skipped() -> None:
    parsed = parse_corpus("khal__event_dt_partstat.ics")

    assert only(parsed).attendees == (
        Attendee("jdoe@example.com", "Jane Doe", "accepted"),
        Attendee("jqpublic@example.com", None, "accepted"),
        Attendee("another@example.com", None, "declined"),
        Attendee("tent@example.com", None, "tentative"),
    )
    assert reasons(parsed.warnings) == [
        "ATTENDEE 'mailto:hcabot@ example.com' is not an e-mail address; it was skipped",
        "ATTENDEE 'mailto:iamboss @example.com' is not an e-mail address; it was skipped",
    ]


def test_every_cal_address_form_is_read() -> None:
    event = only(parse_corpus("aical__event_cal_address.ics"))

    assert [(attendee.email, attendee.response_status) for attendee in event.attendees] == [
        ("ietf-calsch@example.org", "needsAction"),
        ("jdoe@example.com", "needsAction"),
        ("jsmith@example.com", "declined"),
        ("janedoe@example.com", "needsAction"),
        ("mrbig@example.com", "needsAction"),
    ]
    assert event.organizer_email == "jimdo@example.com"


# Recurrence ---------------------------------------------------------------------------


WEEKLY = """
UID:weekly
SUMMARY:Planning
DTSTART;TZID=Europe/Berlin:20260302T100000
DTEND;TZID=Europe/Berlin:20260302T110000
RRULE:FREQ=WEEKLY;COUNT=4
"""


def test_series_expands_into_occurrences() -> None:
    parsed = parse(calendar(WEEKLY), **window(utc(2026, 1, 1), utc(2027, 1, 1)))

    assert [(event.start, event.end) for event in parsed.events] == [
        (utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 10, 0)),
        (utc(2026, 3, 9, 9, 0), utc(2026, 3, 9, 10, 0)),
        (utc(2026, 3, 16, 9, 0), utc(2026, 3, 16, 10, 0)),
        # Berlin switches to summer time on 29 March; the meeting stays at 10:00 local.
        (utc(2026, 3, 23, 9, 0), utc(2026, 3, 23, 10, 0)),
    ]
    assert [event.recurrence_id for event in parsed.events] == [
        event.start for event in parsed.events
    ]
    assert {event.recurrence_rule for event in parsed.events} == {"FREQ=WEEKLY;COUNT=4"}
    assert {event.title for event in parsed.events} == {"Planning"}


def test_series_keeps_local_time_across_dst() -> None:
    data = calendar(WEEKLY.replace("COUNT=4", "COUNT=6"))

    starts = [
        event.start for event in parse(data, **window(utc(2026, 3, 20), utc(2026, 4, 30))).events
    ]

    assert starts == [utc(2026, 3, 23, 9, 0), utc(2026, 3, 30, 8, 0), utc(2026, 4, 6, 8, 0)]


def test_window_bounds_occurrences_by_start() -> None:
    parsed = parse(calendar(WEEKLY), **window(utc(2026, 3, 9, 9, 0), utc(2026, 3, 16, 9, 0)))

    assert [event.start for event in parsed.events] == [utc(2026, 3, 9, 9, 0)]


def test_window_accepts_dates_in_default_zone() -> None:
    parsed = parse(
        calendar(WEEKLY),
        window_start=date(2026, 3, 9),
        window_end=date(2026, 3, 10),
        default_timezone="Europe/Berlin",
    )

    assert [event.start for event in parsed.events] == [utc(2026, 3, 9, 9, 0)]


def test_default_window_is_a_year_around_now() -> None:
    data = calendar("UID:daily\nDTSTART:20200101T120000Z\nRRULE:FREQ=DAILY")

    parsed = parse(data)

    assert len(parsed.events) == 730
    assert parsed.events[0].start == utc(2025, 12, 1, 12, 0)
    assert parsed.events[-1].start == utc(2027, 11, 30, 12, 0)


def test_window_does_not_bound_single_events() -> None:
    data = calendar("UID:old\nDTSTART:19990105T090000Z", "UID:far\nDTSTART:21000105T090000Z")

    assert [event.source_id for event in parse(data).events] == ["old", "far"]


def test_window_must_not_be_empty() -> None:
    with pytest.raises(ValidationError) as caught:
        parse(calendar(WEEKLY), **window(utc(2026, 3, 9), utc(2026, 3, 9)))

    assert caught.value.field == "window_end"


def test_naive_window_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        parse(calendar(WEEKLY), window_start=datetime(2026, 3, 9))

    assert caught.value.field == "window_start"


def test_exdate_in_utc_removes_zoned_occurrence() -> None:
    data = calendar(WEEKLY + "EXDATE:20260309T090000Z")

    starts = [
        event.start for event in parse(data, **window(utc(2026, 1, 1), utc(2027, 1, 1))).events
    ]

    assert starts == [utc(2026, 3, 2, 9, 0), utc(2026, 3, 16, 9, 0), utc(2026, 3, 23, 9, 0)]


def test_exdate_in_utc_against_tzid_corpus() -> None:
    parsed = parse_corpus(
        "rie__each_week_but_one_deleted.ics", **window(utc(2019, 3, 1), utc(2019, 6, 1))
    )

    assert len(parsed.events) == 7
    assert utc(2019, 3, 10, 23, 30) not in [event.start for event in parsed.events]
    assert parsed.events[0].start == utc(2019, 3, 3, 23, 30)
    assert parsed.events[-1].start == utc(2019, 4, 21, 22, 30)


def test_rdate_adds_occurrence() -> None:
    data = calendar(WEEKLY + "RDATE;TZID=Europe/Berlin:20260304T150000")

    parsed = parse(data, **window(utc(2026, 1, 1), utc(2027, 1, 1)))

    assert parsed.events[1].start == utc(2026, 3, 4, 14, 0)
    assert parsed.events[1].end == utc(2026, 3, 4, 15, 0)
    assert len(parsed.events) == 5


def test_utc_override_replaces_zoned_occurrence() -> None:
    override = """
UID:weekly
RECURRENCE-ID:20260309T090000Z
SUMMARY:Planning (moved)
DTSTART;TZID=Europe/Berlin:20260309T150000
DTEND;TZID=Europe/Berlin:20260309T160000
SEQUENCE:1
"""
    parsed = parse(calendar(override, WEEKLY), **window(utc(2026, 1, 1), utc(2027, 1, 1)))

    moved = parsed.events[1]
    assert len(parsed.events) == 4
    assert moved.title == "Planning (moved)"
    assert moved.start == utc(2026, 3, 9, 14, 0)
    assert moved.recurrence_id == utc(2026, 3, 9, 9, 0)
    assert moved.identity == ("calendar", "weekly", "2026-03-09 09:00:00")
    assert moved.recurrence_rule == "FREQ=WEEKLY;COUNT=4"


def test_utc_override_against_tzid_master_corpus() -> None:
    parsed = parse_corpus(
        "khal__event_rrule_recuid_cancelled.ics", **window(utc(2014, 6, 1), utc(2014, 9, 1))
    )

    assert [(event.identity[2], event.start, event.status) for event in parsed.events] == [
        ("2014-06-30 05:00:00", utc(2014, 6, 30, 5, 0), "confirmed"),
        ("2014-07-07 05:00:00", utc(2014, 7, 7, 7, 0), "confirmed"),
        ("2014-07-14 05:00:00", utc(2014, 7, 14, 5, 0), "cancelled"),
        ("2014-07-21 05:00:00", utc(2014, 7, 21, 5, 0), "confirmed"),
        ("2014-07-28 05:00:00", utc(2014, 7, 28, 5, 0), "confirmed"),
        ("2014-08-04 05:00:00", utc(2014, 8, 4, 5, 0), "confirmed"),
    ]


def test_override_before_its_master_is_applied() -> None:
    parsed = parse_corpus(
        "rie__issue_62_moved_event.ics", **window(utc(2021, 12, 1), utc(2022, 1, 1))
    )

    event = only(parsed)
    assert event.start == utc(2021, 12, 17, 20, 30)
    assert event.recurrence_id == utc(2021, 12, 31, 20, 30)
    assert event.sequence == 3


def test_override_with_lower_sequence_than_master_is_applied() -> None:
    parsed = parse_corpus(
        "rie__recurrence_sequence_number.ics", **window(utc(2020, 9, 1), utc(2020, 10, 1))
    )

    assert [(event.start, event.title) for event in parsed.events] == [
        (date(2020, 9, 8), "Base event"),
        (date(2020, 9, 15), "Base event"),
        (date(2020, 9, 22), "Modified event"),
        (date(2020, 9, 29), "Base event"),
    ]


def test_override_without_master_imports_whatever_the_window() -> None:
    event = only(parse_corpus("khal__event_dt_recuid_no_master.ics"))

    assert event.identity == ("calendar", "406336", "2017-03-29 16:00:00")
    assert event.start == utc(2017, 3, 29, 16, 0)
    assert event.end == utc(2017, 3, 29, 16, 25)
    assert event.recurrence_rule is None


def test_datetime_recurrence_id_in_all_day_series() -> None:
    parsed = parse_corpus(
        "rie__issue_28_rrule_with_UTC_endinginZ.ics", **window(utc(2020, 4, 1), utc(2020, 5, 1))
    )

    black_bin = [event for event in parsed.events if event.title == "Refuse black bin"]
    assert [(event.identity[2], event.start) for event in black_bin] == [
        ("2020-04-02", date(2020, 4, 2)),
        ("2020-04-16", date(2020, 4, 17)),
        ("2020-04-30", date(2020, 4, 30)),
    ]


def test_all_day_series_occurrences_are_dates() -> None:
    data = calendar("UID:d\nDTSTART;VALUE=DATE:20260302\nRRULE:FREQ=DAILY;COUNT=2")

    parsed = parse(data, **window(utc(2026, 1, 1), utc(2027, 1, 1)))

    assert [(event.start, event.end, event.recurrence_id) for event in parsed.events] == [
        (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 2)),
        (date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 3)),
    ]
    assert parsed.events[0].identity == ("calendar", "d", "2026-03-02")


def test_this_and_future_override_moves_later_occurrences() -> None:
    override = """
UID:weekly
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260316T100000
SUMMARY:Planning (later)
DTSTART;TZID=Europe/Berlin:20260316T120000
DTEND;TZID=Europe/Berlin:20260316T130000
"""
    parsed = parse(calendar(WEEKLY, override), **window(utc(2026, 1, 1), utc(2027, 1, 1)))

    assert [(event.identity[2], event.start, event.title) for event in parsed.events] == [
        ("2026-03-02 09:00:00", utc(2026, 3, 2, 9, 0), "Planning"),
        ("2026-03-09 09:00:00", utc(2026, 3, 9, 9, 0), "Planning"),
        ("2026-03-16 09:00:00", utc(2026, 3, 16, 11, 0), "Planning (later)"),
        ("2026-03-23 09:00:00", utc(2026, 3, 23, 11, 0), "Planning (later)"),
    ]


def test_bad_override_drops_its_occurrence() -> None:
    override = (
        "UID:weekly\nRECURRENCE-ID:20260309T090000Z\n"
        "DTSTART:20260309T090000Z\nDTEND:20260309T080000Z"
    )

    parsed = parse(calendar(WEEKLY, override), **window(utc(2026, 1, 1), utc(2027, 1, 1)))

    assert utc(2026, 3, 9, 9, 0) not in [event.start for event in parsed.events]
    assert len(parsed.events) == 3
    assert parsed.errors[0].event_id == "weekly (recurrence 2026-03-09 09:00:00)"


def test_occurrences_are_capped_per_series() -> None:
    data = calendar("UID:minutely\nDTSTART:20260101T000000Z\nRRULE:FREQ=MINUTELY")

    parsed = parse(data, **window(utc(2026, 1, 1), utc(2026, 1, 10)))

    assert len(parsed.events) == MAX_OCCURRENCES_PER_SERIES
    assert parsed.events[-1].start == utc(2026, 1, 1) + timedelta(
        minutes=MAX_OCCURRENCES_PER_SERIES - 1
    )
    assert reasons(parsed.warnings) == [
        "the series has more than 5000 occurrences in the window; only the first 5000 were imported"
    ]


def test_large_google_export_matches_every_override() -> None:
    name = "rie__issue_173_only_modifications_error.ics"
    raw = icalendar.Calendar.from_ical((CORPUS / "ics" / name).read_bytes())
    recurrence_ids: list[Any] = [
        (event["UID"], event["RECURRENCE-ID"])
        for event in raw.walk("VEVENT")
        if "RECURRENCE-ID" in event
    ]
    overrides = {(str(uid), recurrence_key(value.dt)) for uid, value in recurrence_ids}

    parsed = parse_corpus(name, **window(utc(2015, 1, 1), utc(2027, 1, 1)))

    identities = [event.identity for event in parsed.events]
    assert len(overrides) == 186
    assert overrides <= {(uid, key) for _source, uid, key in identities}
    assert len(identities) == len(set(identities)) == 1384
    assert parsed.errors == ()


# Time zones ---------------------------------------------------------------------------


def test_dst_gap_moves_forward_by_gap_length() -> None:
    data = calendar("UID:gap\nDTSTART;TZID=America/New_York:20260308T023000")

    # 02:30 does not exist on 8 March 2026 in New York; it means 03:30 EDT.
    assert only(parse(data)).start == utc(2026, 3, 8, 7, 30)


def test_series_occurrence_in_dst_gap_keeps_length() -> None:
    data = calendar(
        "UID:gap\nDTSTART;TZID=Europe/Berlin:20260327T023000\n"
        "DTEND;TZID=Europe/Berlin:20260327T030000\nRRULE:FREQ=DAILY;COUNT=4"
    )

    parsed = parse(data, **window(utc(2026, 3, 1), utc(2026, 4, 1)))

    # On 29 March Berlin skips 02:00-03:00: 02:30 CET means 03:30 CEST, until 04:00 CEST.
    assert [(event.start, event.end) for event in parsed.events] == [
        (utc(2026, 3, 27, 1, 30), utc(2026, 3, 27, 2, 0)),
        (utc(2026, 3, 28, 1, 30), utc(2026, 3, 28, 2, 0)),
        (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2, 0)),
        (utc(2026, 3, 30, 0, 30), utc(2026, 3, 30, 1, 0)),
    ]
    assert parsed.errors == ()


def test_dst_overlap_takes_first_occurrence() -> None:
    data = calendar("UID:overlap\nDTSTART;TZID=America/New_York:20261101T013000")

    # 01:30 happens twice on 1 November 2026; the first time is 01:30 EDT.
    assert only(parse(data)).start == utc(2026, 11, 1, 5, 30)


NEW_YORK_RULES = """
BEGIN:VTIMEZONE
TZID:Office Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""


def test_dst_gap_in_vtimezone_moves_forward() -> None:
    data = calendar(NEW_YORK_RULES, "UID:gap\nDTSTART;TZID=Office Time:20260308T023000")

    assert only(parse(data)).start == utc(2026, 3, 8, 7, 30)


def test_dst_overlap_in_vtimezone_takes_first_occurrence() -> None:
    data = calendar(NEW_YORK_RULES, "UID:overlap\nDTSTART;TZID=Office Time:20261101T013000")

    assert only(parse(data)).start == utc(2026, 11, 1, 5, 30)


def test_vtimezone_stays_within_its_file() -> None:
    parse(calendar(NEW_YORK_RULES, "UID:a\nDTSTART;TZID=Office Time:20260105T090000"))

    parsed = parse(calendar("UID:b\nDTSTART;TZID=Office Time:20260105T090000"))

    assert only(parsed).start == utc(2026, 1, 5, 9, 0)
    assert "time zone 'Office Time' is not defined in the file" in parsed.warnings[0].reason


def test_windows_zone_name_without_vtimezone() -> None:
    data = calendar("UID:w\nDTSTART;TZID=W. Europe Standard Time:20260706T140000")

    assert only(parse(data)).start == utc(2026, 7, 6, 12, 0)


def test_windows_zone_name_wins_over_contradicting_vtimezone() -> None:
    wrong_rules = NEW_YORK_RULES.replace("TZID:Office Time", "TZID:Tokyo Standard Time")
    data = calendar(wrong_rules, "UID:w\nDTSTART;TZID=Tokyo Standard Time:20260706T090000")

    assert only(parse(data)).start == utc(2026, 7, 6, 0, 0)


def test_windows_zone_corpus_files() -> None:
    assert only(parse_corpus("aical__office_365_extended_timezone.ics")).start == utc(
        2024, 4, 26, 12, 0
    )
    assert only(parse_corpus("icalendar__issue_836_do_not_quote_tzid.ics")).start == utc(
        2024, 10, 28, 21, 0
    )
    # 13:00 in New Zealand daylight time (+13:00), whatever rules the file's VTIMEZONE gives.
    assert only(parse_corpus("khal__tz_windows_format.ics")).start == utc(2019, 11, 20, 0, 0)


def test_custom_vtimezone_is_used() -> None:
    assert only(parse_corpus("icalendar__issue_237_non_ascii_tzid.ics")).start == utc(
        2017, 5, 11, 16, 30
    )


def test_x_wr_timezone_applies_to_floating_times() -> None:
    data = calendar(
        "UID:f\nDTSTART:20260706T090000\nDTEND:20260706T100000",
        header="X-WR-TIMEZONE:Europe/Berlin",
    )

    event = only(parse(data, default_timezone="America/New_York"))

    assert (event.start, event.end) == (utc(2026, 7, 6, 7, 0), utc(2026, 7, 6, 8, 0))


def test_x_wr_timezone_floating_corpus() -> None:
    event = only(parse_corpus("rie__issue_86_x_wr_timezone_floating.ics"))

    assert (event.start, event.end) == (utc(2021, 9, 16, 19, 0), utc(2021, 9, 16, 20, 45))


def test_x_wr_timezone_does_not_move_utc_times() -> None:
    parsed = parse_corpus("rie__x_wr_timezone_simple_events_issue_59.ics")

    # The summaries give the New York local times: noon to 1 PM and 9 PM to 10 PM.
    assert [(event.start, event.end) for event in parsed.events] == [
        (utc(2021, 12, 22, 17, 0), utc(2021, 12, 22, 18, 0)),
        (utc(2021, 12, 23, 2, 0), utc(2021, 12, 23, 3, 0)),
    ]


def test_x_wr_timezone_utc_series_follows_local_time() -> None:
    data = calendar(
        "UID:u\nDTSTART:20260323T090000Z\nRRULE:FREQ=WEEKLY;COUNT=2",
        header="X-WR-TIMEZONE:Europe/Berlin",
    )

    starts = [
        event.start for event in parse(data, **window(utc(2026, 1, 1), utc(2027, 1, 1))).events
    ]

    assert starts == [utc(2026, 3, 23, 9, 0), utc(2026, 3, 30, 8, 0)]


def test_unknown_x_wr_timezone_is_ignored_with_warning() -> None:
    data = calendar("UID:f\nDTSTART:20260706T090000", header="X-WR-TIMEZONE:Mars/Olympus")

    parsed = parse(data)

    assert only(parsed).start == utc(2026, 7, 6, 9, 0)
    assert "X-WR-TIMEZONE 'Mars/Olympus' is not a known time zone" in parsed.warnings[0].reason


def test_floating_time_uses_default_timezone() -> None:
    data = calendar("UID:f\nDTSTART:20260706T090000")

    assert only(parse(data, default_timezone="Europe/Berlin")).start == utc(2026, 7, 6, 7, 0)


def test_unknown_tzid_is_floating_with_warning() -> None:
    parsed = parse_corpus("khal__event_dt_local_missing_tz.ics", default_timezone="Europe/Berlin")

    assert only(parsed).start == utc(2014, 4, 9, 7, 30)
    assert reasons(parsed.warnings) == [
        "time zone 'FOO' is not defined in the file and is not a known IANA or Windows zone "
        "name; its times were read as local times in Europe/Berlin"
    ]


def test_customized_time_zone_is_floating_with_warning() -> None:
    parsed = parse_corpus("aical__office_365_invalid_timezone.ics")

    assert only(parsed).start == utc(2024, 4, 26, 14, 0)
    assert "'Customized Time Zone' is not defined in the file" in parsed.warnings[0].reason


def test_invalid_default_timezone_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        parse(calendar(WEEKLY), default_timezone="Nowhere/Special")

    assert caught.value.field == "default_timezone"


def test_all_day_event_stays_date() -> None:
    event = only(parse_corpus("aical__calendar_labs_same_day_dtend.ics"))

    assert (event.start, event.end, event.all_day) == (date(2025, 12, 8), date(2025, 12, 9), True)


def test_duration_is_honoured() -> None:
    event = only(parse_corpus("icaljs__duration_instead_of_dtend.ics"))

    assert (event.start, event.end) == (utc(2012, 6, 30, 13, 0), utc(2012, 7, 1, 13, 0))


def test_missing_end_lasts_zero_or_one_day() -> None:
    parsed = parse(
        calendar("UID:t\nDTSTART:20260105T090000Z", "UID:d\nDTSTART;VALUE=DATE:20260105")
    )

    assert [(event.start, event.end) for event in parsed.events] == [
        (utc(2026, 1, 5, 9, 0), utc(2026, 1, 5, 9, 0)),
        (date(2026, 1, 5), date(2026, 1, 6)),
    ]


def test_all_day_duration_with_hours_is_reported() -> None:
    parsed = parse(calendar("UID:d\nDTSTART;VALUE=DATE:20260105\nDURATION:PT1H"))

    assert parsed.events == ()
    assert reasons(parsed.errors) == [
        "'DURATION' must be whole days for an all-day event, got 'PT1H'"
    ]


# Meeting URL --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("URL:https://example.com/meet/1", "https://example.com/meet/1"),
        (
            "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
            "https://meet.google.com/abc-defg-hij",
        ),
        (
            "LOCATION:Teams https://teams.microsoft.com/l/meetup-join/19%3a1",
            "https://teams.microsoft.com/l/meetup-join/19%3a1",
        ),
        (
            "DESCRIPTION:Join: https://us02web.zoom.us/j/123?pwd=x.\\nAgenda",
            "https://us02web.zoom.us/j/123?pwd=x",
        ),
        ("URL:/c/machbar/calendar", None),
        ("DESCRIPTION:Agenda at https://docs.example.com/a", None),
    ],
)
def test_meeting_url_is_found(lines: str, expected: str | None) -> None:
    data = calendar(f"UID:m\nDTSTART:20260105T090000Z\n{lines}")

    assert only(parse(data)).meeting_url == expected


# Corpus -------------------------------------------------------------------------------


# (events, errors, warnings) with now = 2026-12-01T00:00Z and the default window. Each
# recurring series without an occurrence in that window adds one warning, and so does a
# file without any VEVENT.
CORPUS_RESULTS = {
    "aical__apple_icloud.ics": (736, 0, 1),
    "aical__calendar_labs_same_day_dtend.ics": (1, 0, 0),
    "aical__event_cal_address.ics": (1, 0, 0),
    "aical__google_calendar_invalid_offset.ics": (0, 0, 1),
    "aical__office_365_extended_timezone.ics": (1, 0, 0),
    "aical__office_365_invalid_timezone.ics": (1, 0, 1),
    "aical__unknown_value_proton_mail.ics": (1, 0, 0),
    "icalendar__alarm_google_future.ics": (1, 0, 0),
    "icalendar__bom_calendar.ics": (0, 0, 1),
    "icalendar__issue_101_umlauts_in_organizer.ics": (1, 0, 0),
    "icalendar__issue_1050_multiple_calendars.ics": (0, 2, 0),
    "icalendar__issue_165_missing_event.ics": (0, 1, 1),
    "icalendar__issue_237_non_ascii_tzid.ics": (1, 0, 1),
    "icalendar__issue_722_missing_timezones.ics": (0, 2, 4),
    "icalendar__issue_836_do_not_quote_tzid.ics": (1, 0, 0),
    "icalendar__property_params.ics": (1, 0, 0),
    "icaljs__duration_instead_of_dtend.ics": (1, 0, 0),
    "icaljs__google_birthday.ics": (3, 1, 0),
    "icaljs__zimbra_recur_instances.ics": (24, 0, 0),
    "khal__event_dt_floating.ics": (1, 0, 0),
    "khal__event_dt_local_missing_tz.ics": (1, 0, 1),
    "khal__event_dt_multi_uid.ics": (2, 0, 1),
    "khal__event_dt_partstat.ics": (1, 0, 2),
    "khal__event_dt_recuid_no_master.ics": (1, 0, 0),
    "khal__event_rrule_recuid_cancelled.ics": (0, 0, 1),
    "khal__tz_windows_format.ics": (1, 0, 0),
    "khal__without_uid.ics": (1, 0, 1),
    "rie__discourse_no_dtend.ics": (4, 0, 0),
    "rie__each_week_but_one_deleted.ics": (0, 0, 1),
    "rie__issue_173_only_modifications_error.ics": (1083, 0, 67),
    "rie__issue_18_cancel_status.ics": (0, 0, 1),
    "rie__issue_20_exdate_ignored.ics": (0, 0, 1),
    "rie__issue_28_rrule_with_UTC_endinginZ.ics": (0, 0, 2),
    "rie__issue_61_confluence_broken_params.ics": (1, 0, 2),
    "rie__issue_62_moved_event.ics": (24, 0, 0),
    "rie__issue_86_x_wr_timezone_floating.ics": (1, 0, 0),
    "rie__recurrence_sequence_number.ics": (105, 0, 0),
    "rie__subcomponents.ics": (1, 0, 0),
    "rie__x_wr_timezone_simple_events_issue_59.ics": (2, 0, 0),
}


def test_corpus_table_lists_every_file() -> None:
    assert sorted(CORPUS_RESULTS) == [path.name for path in corpus_files("ics")]


@pytest.mark.parametrize("path", corpus_files("ics"), ids=lambda path: path.name)
def test_corpus_file_parses(path: Path) -> None:
    parsed = parse_ics(path.read_bytes(), file=path.name, now=NOW)

    counts = (len(parsed.events), len(parsed.errors), len(parsed.warnings))
    assert counts == CORPUS_RESULTS[path.name]
    assert len({event.identity for event in parsed.events}) == len(parsed.events)
    assert all(issue.file == path.name for issue in parsed.errors + parsed.warnings)


def test_multiple_calendars_without_dtstart_are_reported() -> None:
    parsed = parse_corpus("icalendar__issue_1050_multiple_calendars.ics")

    assert [(issue.event_id, issue.reason) for issue in parsed.errors] == [
        ("event1@example.com", "the event has no DTSTART"),
        ("event2@example.com", "the event has no DTSTART"),
    ]


def test_empty_calendar_with_bom_warns_no_events() -> None:
    parsed = parse_corpus("icalendar__bom_calendar.ics")

    assert parsed == ParsedCalendar(
        (), warnings=(attrs.evolve(NO_EVENTS, file="icalendar__bom_calendar.ics"),)
    )


def test_google_birthday_rdate_is_reported() -> None:
    parsed = parse_corpus("icaljs__google_birthday.ics")

    assert [event.identity[2] for event in parsed.events] == [
        "2012-12-10",
        "2013-12-10",
        "2014-12-10",
    ]
    assert parsed.errors[0].event_id == "2014_BIRTHDAY_79d389868f96182e@google.com"
    assert (
        parsed.errors[0].reason
        == "RDATE has an invalid value: Expected datetime, date, or time. Got: '20131210Z'"
    )


def test_zimbra_rdates_exdates_and_overrides() -> None:
    parsed = parse_corpus(
        "icaljs__zimbra_recur_instances.ics", **window(utc(2012, 9, 1), utc(2013, 5, 1))
    )

    assert [(event.identity[2], event.start) for event in parsed.events] == [
        ("2012-10-02 17:00:00", utc(2012, 10, 2, 22, 0)),
        ("2012-11-06 18:00:00", utc(2012, 11, 6, 18, 0)),
        ("2012-11-05 18:00:00", utc(2012, 11, 7, 4, 0)),
        ("2012-11-10 18:00:00", utc(2012, 11, 10, 18, 0)),
        ("2012-11-30 18:00:00", utc(2012, 11, 30, 18, 0)),
        ("2013-01-01 18:00:00", utc(2013, 1, 1, 18, 0)),
        ("2013-03-05 18:00:00", utc(2013, 3, 5, 18, 0)),
    ]
    assert parsed.events[1].attendees[0] == Attendee(
        "attendee1@example.com", "Sample One", "accepted"
    )


def test_exdate_against_all_day_rule_and_tentative_status() -> None:
    parsed = parse_corpus(
        "aical__google_calendar_invalid_offset.ics", **window(utc(2003, 1, 1), utc(2003, 3, 1))
    )

    days = [event.start.day for event in parsed.events]
    assert days == [3, 4, 5, 6, 7, 10, 11, 12]
    assert parsed.events[0].start == utc(2003, 2, 3, 20, 0)
    assert {event.status for event in parsed.events} == {"tentative"}


def test_exdate_list_with_folds_corpus() -> None:
    parsed = parse_corpus(
        "rie__issue_20_exdate_ignored.ics", **window(utc(2019, 10, 1), utc(2020, 3, 1))
    )

    assert [event.start for event in parsed.events] == [
        utc(2019, 10, 29, 15, 15),
        utc(2019, 11, 12, 15, 15),
        utc(2019, 12, 10, 15, 15),
        utc(2020, 1, 7, 15, 15),
        utc(2020, 1, 14, 15, 15),
        utc(2020, 1, 21, 15, 15),
        utc(2020, 1, 28, 15, 15),
    ]


def test_property_params_corpus_people() -> None:
    event = only(parse_corpus("icalendar__property_params.ics"))

    assert event.organizer_email == "attendee.dx@example.com"
    assert event.attendees == (
        Attendee("attendee.xs@example.nl", "AttendeeXS", "needsAction"),
        Attendee("attendee.dx@example.com", "AttendeeDX", "needsAction"),
        Attendee("attendee.sb@example.nl", "AttendeeSB", "needsAction"),
    )
    assert (event.start, event.end) == (date(2012, 8, 14), date(2012, 8, 15))


def test_alarm_attendee_corpus_has_no_attendees() -> None:
    assert only(parse_corpus("icalendar__alarm_google_future.ics")).attendees == ()


def test_umlaut_organizer_name_corpus() -> None:
    event = only(parse_corpus("icalendar__issue_101_umlauts_in_organizer.ics"))

    assert (event.organizer_email, event.organizer_name) == ("adm-acme@mydomain.de", "acme, ädmin")
    assert event.location == "im büro"
