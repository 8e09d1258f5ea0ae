"""Hostile event content given to ``ingest_events``: stored verbatim, or rejected whole.

Titles, descriptions, locations, ids, sources, names and addresses carry SQL and LIKE
metacharacters, NUL characters and odd Unicode. Each value must come back from the
database exactly as given, except that names lose surrounding whitespace and addresses
are lowercased, as the model documents. An event the library rejects must be rejected
with its own error and leave nothing behind.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _calendar_data import STATUSES, expected_meetings, read_meetings
from _databases import copy_template
from _hostile import EMAILS, NON_EMPTY_TEXT, TEXT
from _hypothesis_settings import RELIABILITY
from hypothesis import given, settings
from hypothesis import strategies as st

import peanut_async
from peanut_async import PeanutError
from peanut_async.plugins.calendar import Attendee, CalendarEvent, ImportReport

EXAMPLES = 120
MANY_ATTENDEES = 3_000
START = datetime(2032, 5, 5, 12, 0, tzinfo=UTC)

_ATTENDEES = st.lists(st.tuples(EMAILS, st.none() | TEXT, st.sampled_from(STATUSES)), max_size=6)
EVENT_FIELDS = st.fixed_dictionaries(
    {
        "uid": NON_EMPTY_TEXT,
        "source": NON_EMPTY_TEXT,
        "title": TEXT,
        "description": st.none() | TEXT,
        "location": st.none() | TEXT,
        # Values past SQLite's INTEGER range are the subject of their own test below.
        "sequence": st.integers(min_value=0, max_value=2**63 - 1),
        "attendees": _ATTENDEES,
    }
)


def _build(index: int, fields: dict[str, Any]) -> CalendarEvent:
    # The index keeps identities distinct, so no event of the batch supersedes another.
    return CalendarEvent(
        f"{fields['uid']}#{index}",
        START + timedelta(hours=index),
        START + timedelta(hours=index, minutes=45),
        title=fields["title"],
        description=fields["description"],
        location=fields["location"],
        sequence=fields["sequence"],
        attendees=[Attendee(email, name, status) for email, name, status in fields["attendees"]],
        source=fields["source"],
    )


async def _ingest(path: Path, events: list[CalendarEvent]) -> ImportReport:
    async with peanut_async.connect(path, plugins=["calendar"]) as db:
        report: ImportReport = await db.plugin("calendar").ingest_events(events)
        return report


def _stored_fields(path: Path) -> dict[tuple[str, str, str], tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT e.source, e.uid, e.recurrence_id, c.description, e.description, e.location, "
            "e.sequence FROM calendar_events AS e JOIN commitments AS c ON c.id = e.commitment_id"
        )
        return {(row[0], row[1], row[2]): row[3:] for row in rows}


def _aliases(path: Path) -> dict[str, set[str]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT email.attribute_value, alias.attribute_value FROM entity_attributes AS email "
            "JOIN entity_attributes AS alias ON alias.entity_id = email.entity_id "
            "WHERE email.attribute_type = 'email' AND alias.attribute_type = 'alias'"
        )
        found: dict[str, set[str]] = {}
        for email, alias in rows:
            found.setdefault(email, set()).add(alias)
        return found


_examples = itertools.count()


@settings(RELIABILITY, max_examples=EXAMPLES)
@given(batch=st.lists(EVENT_FIELDS, min_size=1, max_size=5))
def test_hostile_values_stored_verbatim(
    calendar_template: Path, tmp_path: Path, batch: list[dict[str, Any]]
) -> None:
    db = copy_template(calendar_template, tmp_path / f"example{next(_examples)}.db")
    events = [_build(index, fields) for index, fields in enumerate(batch)]

    try:
        report = asyncio.run(_ingest(db, events))
    except PeanutError:
        # The whole batch was refused: nothing of it may remain.
        assert read_meetings(db) == {}
        return

    stored = _stored_fields(db)
    meetings = read_meetings(db)
    expected = expected_meetings(events)
    assert len(stored) + len(report.errors) == len(events)
    for event in events:
        if event.identity not in stored:
            assert event.identity not in meetings
            continue
        assert stored[event.identity] == (
            event.title,
            event.description,
            event.location,
            event.sequence,
        )
        assert meetings[event.identity] == expected[event.identity]
    aliases = _aliases(db)
    for event in events:
        if event.identity in stored:
            for attendee in event.attendees:
                if attendee.name is not None:
                    assert attendee.name in aliases[attendee.email]


def test_thousands_of_attendees(calendar_template: Path, tmp_path: Path) -> None:
    db = copy_template(calendar_template, tmp_path / "crowd.db")
    attendees = [
        Attendee(f"guest{n}'%_@example.org", f"Guest {n}; '%_", STATUSES[n % 4])
        for n in range(MANY_ATTENDEES)
    ]
    event = CalendarEvent("crowd", START, title="All hands", attendees=attendees)

    report = asyncio.run(_ingest(db, [event]))

    assert report.created == 1
    assert read_meetings(db) == expected_meetings([event])
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM entities").fetchone() == (MANY_ATTENDEES,)


def test_huge_values_stored_verbatim(calendar_template: Path, tmp_path: Path) -> None:
    db = copy_template(calendar_template, tmp_path / "huge.db")
    event = CalendarEvent(
        "huge-" + "u" * 10_000,
        START,
        title="T" * 200_000,
        description="D\x00'%_;" * 700_000,
        location="L" * 1_000_000,
        attendees=[Attendee("huge@example.org", "N" * 100_000)],
    )

    asyncio.run(_ingest(db, [event]))

    assert _stored_fields(db) == {
        event.identity: (event.title, event.description, event.location, 0)
    }
    assert _aliases(db) == {"huge@example.org": {"N" * 100_000}}


@pytest.mark.parametrize("sequence", [2**31 - 1, 2**63 - 1, 2**63, 2**100])
def test_large_sequence_stored_or_rejected(
    calendar_template: Path, tmp_path: Path, sequence: int
) -> None:
    db = copy_template(calendar_template, tmp_path / "sequence.db")

    try:
        event = CalendarEvent("seq", START, sequence=sequence)
        report = asyncio.run(_ingest(db, [event]))
    except PeanutError:
        assert read_meetings(db) == {}
        return

    if report.errors:
        assert read_meetings(db) == {}
    else:
        assert _stored_fields(db)[event.identity][3] == sequence


async def test_like_metacharacters_do_not_match_others(calendar_db: peanut_async.Database) -> None:
    calendar = calendar_db.plugin("calendar")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    emails = ["a_c@example.org", "abc@example.org", "a%c@example.org", "axxc@example.org"]
    events = [
        CalendarEvent(
            f"like-{n}",
            soon + timedelta(minutes=n),
            title=f"With {email}",
            attendees=[Attendee(email, f"Name {n}")],
        )
        for n, email in enumerate(emails)
    ]
    await calendar.ingest_events(events)

    for email in emails:
        entity_id = await calendar_db.fetch_value(
            "SELECT entity_id FROM entity_attributes WHERE attribute_type = 'email' "
            "AND attribute_value = ?",
            (email,),
        )
        meetings = await calendar.meetings_for_entity(entity_id, days=1)
        assert [meeting.title for meeting in meetings] == [f"With {email}"]
    assert await calendar_db.fetch_value("SELECT count(*) FROM entities") == len(emails)
