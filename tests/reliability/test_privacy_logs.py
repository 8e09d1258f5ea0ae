"""Nothing the library logs at INFO or above contains the user's data.

Logs are captured at DEBUG level from every logger while calendar data with
distinctive emails, names, titles, descriptions and locations is ingested and
imported, including rejected events, a file that cannot be parsed and a re-import.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from _calendar_files import to_google, to_ics

from peanut_async import Database, PeanutError
from peanut_async.plugins.calendar import Attendee, CalendarEvent

START = datetime(2032, 6, 1, 9, 0, tzinfo=UTC)
SECRETS = {
    "email": "zelda.quimby@private-mail.example",
    "organizer": "ozzie.organizer@private-mail.example",
    "name": "Zelda Quimby-Secret",
    "organizer name": "Ozzie Organizerson",
    "title": "Confidential merger with Initech",
    "description": "Discuss layoffs before the announcement",
    "location": "Room of Whispers 42",
}


def _private_events(source: str, count: int = 3) -> list[CalendarEvent]:
    return [
        CalendarEvent(
            f"private-{n}",
            START + timedelta(days=n),
            START + timedelta(days=n, hours=1),
            title=f"{SECRETS['title']} {n}",
            description=SECRETS["description"],
            location=SECRETS["location"],
            organizer_email=SECRETS["organizer"],
            organizer_name=SECRETS["organizer name"],
            attendees=[Attendee(SECRETS["email"], SECRETS["name"], "accepted")],
            source=source,
        )
        for n in range(count)
    ]


def _leaks(caplog: pytest.LogCaptureFixture) -> list[str]:
    leaks = []
    for record in caplog.records:
        if record.levelno < logging.INFO:
            continue
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        leaks += [
            f"{record.name} {record.levelname}: {text!r} contains the {kind}"
            for kind, secret in SECRETS.items()
            if secret.lower() in text.lower()
        ]
    return leaks


async def test_import_logs_no_user_data(
    calendar_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    calendar = calendar_db.plugin("calendar")
    caplog.set_level(logging.DEBUG)

    await calendar.ingest_events(_private_events("direct"))
    await calendar.ingest_events(_private_events("direct"))
    await calendar.import_bytes(to_ics(_private_events("ics")), file="private.ics")
    await calendar.import_bytes(to_google(_private_events("google")), file="private.json")
    broken = to_ics(_private_events("ics")).replace(b"END:VEVENT", b"", 1)
    with pytest.raises(PeanutError):
        await calendar.import_bytes(broken, file="broken.ics")
    unreadable = to_ics(_private_events("ics")).replace(b"DTSTART", b"DTSTART;TZID=Nowhere/Zone", 1)
    await calendar.import_bytes(unreadable, file="odd.ics")

    assert any(record.levelno >= logging.INFO for record in caplog.records)
    assert _leaks(caplog) == []


async def test_rejected_events_log_no_user_data(
    calendar_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    calendar = calendar_db.plugin("calendar")
    caplog.set_level(logging.DEBUG)
    # The same commitment id cannot be written twice: the database rejects the second
    # event, and the store logs that it did.
    await calendar_db.execute(
        "CREATE TRIGGER reject_private BEFORE INSERT ON calendar_events "
        "WHEN new.uid = 'private-1' BEGIN SELECT RAISE(ABORT, 'rejected by test'); END"
    )

    report = await calendar.ingest_events(_private_events("direct"))

    assert len(report.errors) == 1
    assert any(record.levelno >= logging.WARNING for record in caplog.records)
    assert _leaks(caplog) == []
