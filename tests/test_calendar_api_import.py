"""Calendar import of files and bytes, checked against the shipped sample calendar."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from _calendar_support import (
    age_rows,
    calendar,
    count,
    diff,
    dump,
    meeting,
    participants,
    person_id,
)
from _corpus import REPOSITORY

from peanut_async import CalendarParseError, Database, ValidationError


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    # Only the calendar plugin: these tests do not depend on the other plugins.
    return ["calendar"]


TEAM = REPOSITORY / "examples" / "calendars" / "team.ics"
WINDOW = {"window_start": date(2026, 11, 1), "window_end": date(2027, 2, 1)}
SERIES = "team-sync-7f3a@example.com"
PEOPLE = {
    "alice@example.com": "Alice Martin",
    "bob.chen@example.com": "Bob Chen",
    "carol@example.com": "Carol Diaz",
    "dave@example.org": "Dave Okafor",
    "erin@example.com": "Erin Novak",
    "frank.ruiz@acme.example": "Frank Ruiz",
    "grace.lee@acme.example": "Grace Lee",
    "heidi@example.com": "Heidi Braun",
    "ivan@example.com": "Ivan Petrov",
    "judy@example.com": "Judy Park",
}


async def series_rows(db: Database) -> list[tuple[str, str, str, str]]:
    rows = await db.fetch_all(
        "SELECT e.recurrence_id, c.due_date, c.description, c.status FROM calendar_events AS e "
        "JOIN commitments AS c ON c.id = e.commitment_id WHERE e.uid = ? ORDER BY e.recurrence_id",
        (SERIES,),
    )
    return [tuple(row) for row in rows]


async def test_team_calendar_report(peanut_db: Database) -> None:
    report = await calendar(peanut_db).import_file(TEAM, **WINDOW)

    assert (report.created, report.cancelled, report.updated, report.unchanged, report.stale) == (
        28,
        1,
        0,
        0,
        0,
    )
    assert report.errors == ()
    assert report.warnings == ()
    assert report.files == (str(TEAM),)


async def test_team_calendar_rows(peanut_db: Database) -> None:
    await calendar(peanut_db).import_file(TEAM, **WINDOW)

    assert await count(peanut_db, "commitments", "type = 'meeting'") == 29
    assert await count(peanut_db, "calendar_events", "source = 'ics'") == 29
    assert await count(peanut_db, "commitment_participants") == 96
    names = await peanut_db.fetch_all(
        "SELECT a.attribute_value, e.canonical_name FROM entities AS e JOIN entity_attributes AS a "
        "ON a.entity_id = e.id AND a.attribute_type = 'email' WHERE e.entity_type = 'person'"
    )
    assert dict(tuple(row) for row in names) == PEOPLE  # the room resource is not a person


async def test_team_calendar_weekly_series(peanut_db: Database) -> None:
    await calendar(peanut_db).import_file(TEAM, **WINDOW)

    assert await series_rows(peanut_db) == [
        ("2026-11-02 09:00:00", "2026-11-02 09:00:00", "Team sync", "open"),
        ("2026-11-09 09:00:00", "2026-11-09 09:00:00", "Team sync", "open"),
        # the override moved this instance to Tuesday 11:00 Berlin time
        ("2026-11-16 09:00:00", "2026-11-17 10:00:00", "Team sync (moved to Tuesday)", "open"),
        ("2026-11-23 09:00:00", "2026-11-23 09:00:00", "Team sync", "open"),
        ("2026-11-30 09:00:00", "2026-11-30 09:00:00", "Team sync", "cancelled"),
        ("2026-12-07 09:00:00", "2026-12-07 09:00:00", "Team sync", "open"),
        ("2026-12-14 09:00:00", "2026-12-14 09:00:00", "Team sync", "open"),
        ("2026-12-21 09:00:00", "2026-12-21 09:00:00", "Team sync", "open"),
        # 2026-12-28 is an EXDATE
        ("2027-01-04 09:00:00", "2027-01-04 09:00:00", "Team sync", "open"),
        ("2027-01-11 09:00:00", "2027-01-11 09:00:00", "Team sync", "open"),
        ("2027-01-18 09:00:00", "2027-01-18 09:00:00", "Team sync", "open"),
        ("2027-01-25 09:00:00", "2027-01-25 09:00:00", "Team sync", "open"),
    ]


async def test_team_calendar_time_zones_and_all_day(peanut_db: Database) -> None:
    await calendar(peanut_db).import_file(TEAM, **WINDOW)

    rows = await peanut_db.fetch_all(
        "SELECT e.uid, c.due_date, c.end_date, e.all_day FROM calendar_events AS e "
        "JOIN commitments AS c ON c.id = e.commitment_id WHERE e.uid IN (?, ?, ?)",
        (
            "client-call-acme-01@example.com",
            "design-review-02@example.com",
            "offsite-2026-berlin@example.com",
        ),
    )
    assert sorted(tuple(row) for row in rows) == [
        (
            "client-call-acme-01@example.com",
            "2026-11-04 16:00:00",
            "2026-11-04 17:00:00",
            0,
        ),  # New York, EST
        (
            "design-review-02@example.com",
            "2026-11-05 14:00:00",
            "2026-11-05 15:30:00",
            0,
        ),  # Berlin, CET
        ("offsite-2026-berlin@example.com", "2026-12-09", "2026-12-11", 1),
    ]


async def test_team_calendar_response_statuses(peanut_db: Database) -> None:
    await calendar(peanut_db).import_file(TEAM, **WINDOW)

    commitment_id = await peanut_db.fetch_value(
        "SELECT commitment_id FROM calendar_events WHERE uid = ? AND recurrence_id = ?",
        (SERIES, "2026-11-02 09:00:00"),
    )
    assert await participants(peanut_db, commitment_id) == {
        "alice@example.com": "accepted",
        "bob.chen@example.com": "accepted",
        "carol@example.com": "tentative",
        "dave@example.org": "needsAction",
    }
    owner = await peanut_db.fetch_value(
        "SELECT owner_entity_id FROM commitments WHERE id = ?", (commitment_id,)
    )
    assert owner == await person_id(peanut_db, "alice@example.com")


async def test_team_calendar_reimport_changes_nothing(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.import_file(TEAM, **WINDOW)
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    report = await api.import_file(TEAM, **WINDOW)

    assert (report.unchanged, report.created, report.updated, report.cancelled) == (29, 0, 0, 0)
    assert diff(before, await dump(peanut_db)) == {}


async def test_team_calendar_changed_response_updates_one_row(
    peanut_db: Database, tmp_path: Path
) -> None:
    api = calendar(peanut_db)
    await api.import_file(TEAM, **WINDOW)
    await age_rows(peanut_db)
    before = await dump(peanut_db)
    original = TEAM.read_bytes()
    marker = b"ATTENDEE;CN=Grace Lee;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED"
    assert original.count(marker) == 1
    changed = tmp_path / "team.ics"
    changed.write_bytes(original.replace(marker, marker.replace(b"DECLINED", b"ACCEPTED")))

    report = await api.import_file(changed, **WINDOW)

    assert (report.updated, report.unchanged) == (1, 28)
    changes = diff(before, await dump(peanut_db))
    assert set(changes) == {"commitment_participants", "calendar_events"}
    assert [len(c) for c in changes["commitment_participants"]["changed"].values()] == [1]


async def test_import_bytes_matches_import_file(peanut_db: Database) -> None:
    report = await calendar(peanut_db).import_bytes(
        TEAM.read_bytes(), file="team-in-memory", **WINDOW
    )

    assert (report.created, report.cancelled) == (28, 1)
    assert report.files == ("team-in-memory",)


async def test_source_option_separates_identities(peanut_db: Database) -> None:
    api = calendar(peanut_db)
    await api.import_file(TEAM, **WINDOW)

    report = await api.import_file(TEAM, source="work", **WINDOW)

    assert report.created == 28
    assert await count(peanut_db, "calendar_events", "source = 'work'") == 29
    assert await count(peanut_db, "entities") == 10


async def test_import_missing_file_raises_os_error(peanut_db: Database, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await calendar(peanut_db).import_file(tmp_path / "missing.ics")


async def test_import_unparsable_data_raises(peanut_db: Database) -> None:
    with pytest.raises(CalendarParseError) as caught:
        await calendar(peanut_db).import_bytes(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", file="broken.ics"
        )

    assert caught.value.file == "broken.ics"
    assert await count(peanut_db, "commitments") == 0


async def test_import_rejects_unknown_format(peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        await calendar(peanut_db).import_bytes(b"", format="csv")  # type: ignore[arg-type]

    assert (caught.value.field, caught.value.value) == ("format", "csv")


async def test_import_rejects_unknown_time_zone(peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        await calendar(peanut_db).import_file(TEAM, default_timezone="Mars/Olympus")

    assert (caught.value.field, caught.value.value) == ("default_timezone", "Mars/Olympus")


async def test_import_rejects_empty_source(peanut_db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        await calendar(peanut_db).import_file(TEAM, source="")

    assert caught.value.field == "source"


async def test_import_reports_parser_errors_with_file(peanut_db: Database) -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:good\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20300101T100000Z\r\n"
        b"DTEND:20300101T110000Z\r\nSUMMARY:Good\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:no-start\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Bad\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )

    report = await calendar(peanut_db).import_bytes(data, file="mixed.ics")

    assert report.created == 1
    assert [(issue.file, issue.event_id) for issue in report.errors] == [("mixed.ics", "no-start")]
    assert report.errors[0].reason


async def test_import_logs_no_personal_data(
    peanut_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="peanut_async")
    await peanut_db.execute(
        "CREATE TRIGGER test_reject_judy BEFORE INSERT ON commitment_participants "
        "WHEN NEW.entity_id IN (SELECT entity_id FROM entity_attributes "
        "WHERE attribute_value = 'judy@example.com') "
        "BEGIN SELECT RAISE(ABORT, 'rejected by test trigger'); END"
    )

    report = await calendar(peanut_db).import_file(TEAM, **WINDOW)

    assert len(report.errors) == 1  # the walkthrough with Judy, so the warning path ran
    messages = [record.getMessage() for record in caplog.records if record.levelno >= logging.INFO]
    assert messages
    private = [*PEOPLE, *PEOPLE.values(), "Team sync", "walkthrough", "example.com"]
    for message in messages:
        for text in private:
            assert text not in message


# The file an event came from ------------------------------------------------------------


def one_event_file(path: Path, uid: str, title: str, rule: str = "") -> Path:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        "DTSTART:20261102T090000Z",
        "DTEND:20261102T100000Z",
        f"SUMMARY:{title}",
        *([rule] if rule else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def other_file_warning(current: Path, stored: Path, what: str = "the event") -> str:
    return (
        f"this import from {current} updated {what} last imported from another file, "
        f"{stored}: within one source ('ics') events with the same UID are one event. If the "
        "two files are separate calendars, import each with its own source (the --source "
        "option, or source= in the API)"
    )


async def test_same_uid_from_other_file_warns(peanut_db: Database, tmp_path: Path) -> None:
    api = calendar(peanut_db)
    first = one_event_file(tmp_path / "work.ics", "shared-uid", "Budget review")
    second = one_event_file(tmp_path / "club.ics", "shared-uid", "Chess night")
    await api.import_file(first, **WINDOW)

    report = await api.import_file(second, **WINDOW)

    assert report.updated == 1
    assert [(issue.file, issue.event_id, issue.reason) for issue in report.warnings] == [
        (str(second), "shared-uid", other_file_warning(second, first))
    ]


async def test_same_uid_back_and_forth_warns_each_time(peanut_db: Database, tmp_path: Path) -> None:
    api = calendar(peanut_db)
    first = one_event_file(tmp_path / "work.ics", "shared-uid", "Budget review")
    second = one_event_file(tmp_path / "club.ics", "shared-uid", "Chess night")
    await api.import_file(first, **WINDOW)
    await api.import_file(second, **WINDOW)

    report = await api.import_file(first, **WINDOW)

    assert report.updated == 1
    assert [issue.reason for issue in report.warnings] == [other_file_warning(first, second)]


async def test_same_file_update_does_not_warn(peanut_db: Database, tmp_path: Path) -> None:
    api = calendar(peanut_db)
    path = one_event_file(tmp_path / "work.ics", "uid-1", "Budget review")
    await api.import_file(path, **WINDOW)
    one_event_file(path, "uid-1", "Budget review (moved)")

    report = await api.import_file(path, **WINDOW)

    assert report.updated == 1
    assert report.warnings == ()


async def test_relative_path_is_same_file(
    peanut_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = calendar(peanut_db)
    path = one_event_file(tmp_path / "work.ics", "uid-1", "Budget review")
    await api.import_file(path, **WINDOW)
    one_event_file(path, "uid-1", "Budget review (moved)")
    monkeypatch.chdir(tmp_path)

    report = await api.import_file("work.ics", **WINDOW)

    assert report.updated == 1
    assert report.warnings == ()


async def test_series_from_other_file_warns_once(peanut_db: Database, tmp_path: Path) -> None:
    api = calendar(peanut_db)
    rule = "RRULE:FREQ=WEEKLY;COUNT=3"
    first = one_event_file(tmp_path / "work.ics", "weekly", "Budget review", rule)
    second = one_event_file(tmp_path / "club.ics", "weekly", "Chess night", rule)
    await api.import_file(first, **WINDOW)

    report = await api.import_file(second, **WINDOW)

    assert report.updated == 3
    assert [(issue.event_id, issue.reason) for issue in report.warnings] == [
        ("weekly", other_file_warning(second, first, "3 occurrences of the series"))
    ]


async def test_unchanged_event_from_other_file_does_not_warn(
    peanut_db: Database, tmp_path: Path
) -> None:
    api = calendar(peanut_db)
    first = one_event_file(tmp_path / "work.ics", "uid-1", "Budget review")
    copy = one_event_file(tmp_path / "copy.ics", "uid-1", "Budget review")
    await api.import_file(first, **WINDOW)

    report = await api.import_file(copy, **WINDOW)

    assert report.unchanged == 1
    assert report.warnings == ()
    stored = await peanut_db.fetch_value("SELECT source_file FROM calendar_events")
    assert stored == str(first)


async def test_source_file_is_stored(peanut_db: Database, tmp_path: Path) -> None:
    api = calendar(peanut_db)
    path = one_event_file(tmp_path / "work.ics", "from-file", "Budget review")
    await api.import_file(path, **WINDOW)
    await api.import_bytes(path.read_bytes().replace(b"from-file", b"from-bytes"), file="memo")

    rows = await peanut_db.fetch_all("SELECT uid, source_file FROM calendar_events ORDER BY uid")

    assert [tuple(row) for row in rows] == [("from-bytes", "memo"), ("from-file", str(path))]


async def test_ingested_event_has_no_source_file(peanut_db: Database) -> None:
    await calendar(peanut_db).ingest_events([meeting("uid-1", source="ics")])

    assert await peanut_db.fetch_value("SELECT source_file FROM calendar_events") is None


async def test_stored_copy_without_file_does_not_warn(peanut_db: Database, tmp_path: Path) -> None:
    api = calendar(peanut_db)
    path = one_event_file(tmp_path / "work.ics", "uid-1", "Budget review")
    await api.import_file(path, **WINDOW)
    # Rows written by ingest_events, or before calendar migration 002, have no file.
    await peanut_db.execute("UPDATE calendar_events SET source_file = NULL")
    one_event_file(path, "uid-1", "Budget review (moved)")

    report = await api.import_file(tmp_path / "work.ics", **WINDOW)

    assert report.updated == 1
    assert report.warnings == ()
    assert await peanut_db.fetch_value("SELECT source_file FROM calendar_events") == str(path)
