"""Generated and mutated .ics files and Google Calendar JSON given to ``import_bytes``.

Each input either raises one of the library's own errors and leaves the database
untouched, or is imported. Then every stored event, participants included, matches
what the library's parser read from the same bytes, so no event is half written. The
strings of well-formed input come back verbatim.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _calendar_data import STATUSES, expected_meetings, read_meetings
from _calendar_files import to_google, to_ics
from _databases import copy_template
from _hostile import EMAILS, ICS_NON_EMPTY_TEXT, ICS_TEXT, ID_TEXT, TEXT
from _hypothesis_settings import RELIABILITY
from _processes import run_children_with_deadline
from hypothesis import given, settings
from hypothesis import strategies as st

import peanut_async
from peanut_async import PeanutError
from peanut_async.plugins.calendar import Attendee, CalendarEvent, ImportReport
from peanut_async.plugins.calendar._google import parse_google
from peanut_async.plugins.calendar._ics import parse_ics

GENERATED_EXAMPLES = 60
MUTATED_EXAMPLES = 100
START = datetime(2032, 5, 5, 12, 0, tzinfo=UTC)
# A fixed window and clock, so the parser expands recurrences the same way every time.
WINDOW = {
    "window_start": datetime(2031, 1, 1, tzinfo=UTC),
    "window_end": datetime(2034, 1, 1, tzinfo=UTC),
}
NOW = datetime(2032, 1, 1, tzinfo=UTC)
FORMATS = {"ics": (to_ics, parse_ics), "google": (to_google, parse_google)}

_examples = itertools.count()


async def _import(path: Path, data: bytes, kind: str) -> ImportReport:
    async with peanut_async.connect(path, plugins=["calendar"]) as db:
        report: ImportReport = await db.plugin("calendar").import_bytes(
            data, file=f"input.{kind}", format=kind, **WINDOW
        )
        return report


def _import_and_check(db: Path, data: bytes, kind: str) -> ImportReport | None:
    """Import ``data``; check the stored events against the parser's reading of it.

    Returns the report, or None when the import raised the library's own error.
    """
    try:
        report = asyncio.run(_import(db, data, kind))
    except PeanutError:
        assert read_meetings(db) == {}
        return None

    parsed = FORMATS[kind][1](data, file=f"input.{kind}", source=kind, now=NOW, **WINDOW)
    expected = expected_meetings(parsed.events)
    stored = read_meetings(db)
    rejected_by_store = len(report.errors) - len(parsed.errors)
    assert set(stored) <= set(expected)
    assert len(stored) == len(expected) - rejected_by_store
    for identity, meeting in stored.items():
        assert meeting == expected[identity]
    return report


# Generated input --------------------------------------------------------------------


def _event_fields(
    text: st.SearchStrategy[str], ids: st.SearchStrategy[str], names: st.SearchStrategy[str]
) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "uid": ids,
            "title": text,
            "description": st.none() | text,
            "location": st.none() | text,
            "attendees": st.lists(
                st.tuples(EMAILS, st.none() | names, st.sampled_from(STATUSES)), max_size=5
            ),
        }
    )


# An .ics file cannot carry control characters; JSON can carry any character.
# NOTE: a display name ending in a backslash is left out of .ics input. icalendar 7.3
# writes it unquoted (CN=x\;PARTSTAT=...) and reads "\;" back as an escaped ";", so
# the name swallows the next parameter and the response status is lost.
EVENT_FIELDS = {
    "ics": _event_fields(
        ICS_TEXT,
        ICS_NON_EMPTY_TEXT,
        ICS_NON_EMPTY_TEXT.filter(lambda name: not name.endswith("\\")),
    ),
    "google": _event_fields(TEXT, ID_TEXT, ID_TEXT),
}


def _build(kind: str, index: int, fields: dict[str, Any]) -> CalendarEvent:
    return CalendarEvent(
        f"{fields['uid']}#{index}",
        START + timedelta(hours=index),
        START + timedelta(hours=index, minutes=45),
        title=fields["title"],
        description=fields["description"],
        location=fields["location"],
        attendees=[Attendee(email, name, status) for email, name, status in fields["attendees"]],
        source=kind,
    )


@pytest.mark.parametrize("kind", FORMATS)
def test_generated_files_imported_verbatim(
    calendar_template: Path, tmp_path: Path, kind: str
) -> None:
    @settings(RELIABILITY, max_examples=GENERATED_EXAMPLES)
    @given(batch=st.lists(EVENT_FIELDS[kind], min_size=1, max_size=4))
    def check(batch: list[dict[str, Any]]) -> None:
        events = [_build(kind, index, fields) for index, fields in enumerate(batch)]
        db = copy_template(calendar_template, tmp_path / f"generated{next(_examples)}.db")

        report = _import_and_check(db, FORMATS[kind][0](events), kind)

        assert report is not None
        stored = read_meetings(db)
        assert stored == expected_meetings(events)

    check()


# Mutated input ----------------------------------------------------------------------

SNIPPETS = [
    b"\x00",
    b"\r\n",
    b"\n",
    b"\\",
    b"'",
    b'"',
    b";",
    b"%",
    b"_",
    b":",
    b",",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\xff\xfe",
    b"\xc3",
    b"BEGIN:VEVENT\r\n",
    b"END:VEVENT\r\n",
    b"BEGIN:VCALENDAR\r\n",
    b"END:VCALENDAR\r\n",
    b"ATTENDEE:mailto:x@example.org\r\n",
    b"RRULE:FREQ=SECONDLY\r\n",
    b"'; DROP TABLE entities; --",
    b"null",
    b"[]",
    b"{}",
]

MUTATIONS = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("replace"), st.floats(0, 1), st.binary(min_size=1, max_size=1)),
    st.tuples(
        st.just("insert"), st.floats(0, 1), st.sampled_from(SNIPPETS) | st.binary(max_size=12)
    ),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 40), st.integers(2, 50)),
)


def _mutate(data: bytes, mutations: list[tuple[Any, ...]]) -> bytes:
    for kind, where, *arguments in mutations:
        position = int(where * len(data))
        if kind == "truncate":
            data = data[:position]
        elif kind == "replace":
            data = data[:position] + arguments[0] + data[position + 1 :]
        elif kind == "insert":
            data = data[:position] + arguments[0] + data[position:]
        elif kind == "delete":
            data = data[:position] + data[position + arguments[0] :]
        else:
            length, times = arguments
            data = data[:position] + data[position : position + length] * times + data[position:]
    return data


@pytest.mark.parametrize("kind", FORMATS)
def test_mutated_files_fail_cleanly(calendar_template: Path, tmp_path: Path, kind: str) -> None:
    @settings(RELIABILITY, max_examples=MUTATED_EXAMPLES)
    @given(
        batch=st.lists(EVENT_FIELDS[kind], min_size=1, max_size=3),
        mutations=st.lists(MUTATIONS, min_size=1, max_size=4),
    )
    def check(batch: list[dict[str, Any]], mutations: list[tuple[Any, ...]]) -> None:
        events = [_build(kind, index, fields) for index, fields in enumerate(batch)]
        data = _mutate(FORMATS[kind][0](events), mutations)
        db = copy_template(calendar_template, tmp_path / f"mutated{next(_examples)}.db")

        _import_and_check(db, data, kind)

    check()


# Shapes that stress the parsers ------------------------------------------------------

_ICS_HEAD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
_ICS_EVENT = (
    b"BEGIN:VEVENT\r\nUID:shape\r\nDTSTAMP:20300101T000000Z\r\n"
    b"DTSTART:20320505T120000Z\r\nDTEND:20320505T130000Z\r\nSUMMARY:Shape\r\n"
)


def _ics(*event_lines: bytes, wrap: int = 0) -> bytes:
    nested = b"BEGIN:X-NEST\r\n" * wrap + b"END:X-NEST\r\n" * wrap
    return (
        _ICS_HEAD + _ICS_EVENT + b"".join(event_lines) + nested + b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _google_event(**fields: Any) -> dict[str, Any]:
    event = {
        "id": "shape",
        "summary": "Shape",
        "start": {"dateTime": "2032-05-05T12:00:00Z"},
        "end": {"dateTime": "2032-05-05T13:00:00Z"},
    }
    event.update(fields)
    return event


SHAPES = {
    "ics-deep-components": ("ics", _ics(wrap=3_000)),
    "ics-deep-calendars": ("ics", b"BEGIN:VCALENDAR\r\n" * 3_000 + b"END:VCALENDAR\r\n" * 3_000),
    "ics-huge-summary": ("ics", _ics(b"DESCRIPTION:" + b"d" * 3_000_000 + b"\r\n")),
    "ics-long-folded-line": ("ics", _ics(b"DESCRIPTION:" + b"x\r\n " * 200_000 + b"\r\n")),
    "ics-many-attendees": (
        "ics",
        _ics(
            *(
                b"ATTENDEE;CN=P%d;PARTSTAT=ACCEPTED:mailto:p%d@example.org\r\n" % (n, n)
                for n in range(5_000)
            )
        ),
    ),
    "ics-huge-sequence": ("ics", _ics(b"SEQUENCE:99999999999999999999\r\n")),
    "ics-huge-duration": ("ics", _ics().replace(b"DTEND:20320505T130000Z", b"DURATION:P99999999W")),
    "ics-bad-rrule": ("ics", _ics(b"RRULE:FREQ=YEARLY;BYMONTH=13;COUNT=3\r\n")),
    "ics-utf16": ("ics", _ics().decode().encode("utf-16")),
    "google-deep-arrays": ("google", b"[" * 100_000 + b"]" * 100_000),
    "google-deep-objects": ("google", b'{"items": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001),
    "google-huge-integer": ("google", b'{"items": [{"sequence": ' + b"9" * 5_000 + b"}]}"),
    "google-huge-sequence": (
        "google",
        json.dumps({"items": [_google_event(sequence=10**30)]}).encode(),
    ),
    "google-float-sequence": (
        "google",
        json.dumps({"items": [_google_event(sequence=1e308)]}).encode(),
    ),
    "google-nan": ("google", b'{"items": [{"id": "n", "sequence": NaN}]}'),
    "google-many-attendees": (
        "google",
        json.dumps(
            {
                "items": [
                    _google_event(
                        attendees=[
                            {"email": f"p{n}@example.org", "responseStatus": "accepted"}
                            for n in range(5_000)
                        ]
                    )
                ]
            }
        ).encode(),
    ),
    "google-wrong-types": (
        "google",
        json.dumps(
            {
                "items": [
                    _google_event(attendees={"x": 1}),
                    _google_event(id=5),
                    _google_event(start="now"),
                    _google_event(id="ok", summary=["list"]),
                    _google_event(id="ok2", organizer="me"),
                ]
            }
        ).encode(),
    ),
}


# Shapes that still raise an error from outside the library, with the cause.
@pytest.mark.parametrize("shape", list(SHAPES))
def test_parser_stress_shape(calendar_template: Path, tmp_path: Path, shape: str) -> None:
    kind, data = SHAPES[shape]
    db = copy_template(calendar_template, tmp_path / "shape.db")

    _import_and_check(db, data, kind)


# Recurrence rules whose expansion never ends, or takes hours, unless bounded.
RECURRENCE_BOMBS = {
    "ics-interval-zero": ("ics", _ics(b"RRULE:FREQ=DAILY;INTERVAL=0\r\n")),
    "ics-minutely-since-1990": (
        "ics",
        _ics(b"RRULE:FREQ=MINUTELY\r\n")
        .replace(b"DTSTART:20320505T120000Z", b"DTSTART:19900101T000000Z")
        .replace(b"DTEND:20320505T130000Z", b"DTEND:19900101T000001Z"),
    ),
    "google-secondly": (
        "google",
        json.dumps({"items": [_google_event(recurrence=["RRULE:FREQ=SECONDLY"])]}).encode(),
    ),
}
RECURRENCE_DEADLINE = 12.0


def test_recurrence_bombs_finish_in_bounded_time(tmp_path: Path) -> None:
    # Each import runs in its own process, so one that never ends can be killed.
    commands = {}
    for name, (kind, data) in RECURRENCE_BOMBS.items():
        file = tmp_path / f"{name}.{'ics' if kind == 'ics' else 'json'}"
        file.write_bytes(data)
        marker = tmp_path / f"{name}.started"
        window = {key: value.isoformat() for key, value in WINDOW.items()}
        arguments = {"db": str(tmp_path / f"{name}.db"), "file": str(file), "marker": str(marker)}
        commands[name] = ("import", arguments | window)

    outcomes = run_children_with_deadline(commands, RECURRENCE_DEADLINE)

    assert {
        name: outcome for name, outcome in outcomes.items() if not isinstance(outcome, dict)
    } == {}
