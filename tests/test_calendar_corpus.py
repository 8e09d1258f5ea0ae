"""Every file of the real calendar corpus imports, and importing it again changes nothing.

The corpus contains exports from Google, Outlook/Exchange, Apple, Nextcloud,
Thunderbird and others, copied from the test folders of public calendar projects, a few
with personal names and addresses replaced.
The window is fixed so that recurring events expand to the same occurrences whatever
the date the tests run on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from _calendar_support import age_rows, calendar, count, diff, dump
from _corpus import CORPUS

from peanut_async import Database


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    # Only the calendar plugin: these tests do not depend on the other plugins.
    return ["calendar"]


WINDOW = {"window_start": date(2012, 1, 1), "window_end": date(2026, 1, 1)}


class Expected(NamedTuple):
    """What importing one file into an empty database gives."""

    created: int  # events stored as open meetings
    cancelled: int  # events stored as cancelled meetings
    people: int  # person entities, one per address
    participants: int  # commitment_participants rows
    rejected: int  # events listed in the report's errors


EXPECTED = {
    "google/libkgapi__event1.json": Expected(1, 0, 3, 2, 0),
    "google/libkgapi__event2.json": Expected(8, 0, 1, 8, 0),
    "google/libkgapi__events_fetch_page1_response.http": Expected(1, 0, 3, 2, 0),
    "ics/aical__apple_icloud.ics": Expected(1212, 0, 0, 0, 0),
    "ics/aical__calendar_labs_same_day_dtend.ics": Expected(1, 0, 0, 0, 0),
    "ics/aical__event_cal_address.ics": Expected(1, 0, 6, 5, 0),
    "ics/aical__google_calendar_invalid_offset.ics": Expected(0, 0, 0, 0, 0),
    "ics/aical__office_365_extended_timezone.ics": Expected(1, 0, 0, 0, 0),
    "ics/aical__office_365_invalid_timezone.ics": Expected(1, 0, 0, 0, 0),
    "ics/aical__unknown_value_proton_mail.ics": Expected(1, 0, 0, 0, 0),
    "ics/icalendar__alarm_google_future.ics": Expected(1, 0, 0, 0, 0),
    "ics/icalendar__bom_calendar.ics": Expected(0, 0, 0, 0, 0),
    "ics/icalendar__issue_101_umlauts_in_organizer.ics": Expected(1, 0, 1, 0, 0),
    "ics/icalendar__issue_1050_multiple_calendars.ics": Expected(0, 0, 0, 0, 2),
    "ics/icalendar__issue_165_missing_event.ics": Expected(0, 0, 0, 0, 1),
    "ics/icalendar__issue_237_non_ascii_tzid.ics": Expected(1, 0, 0, 0, 0),
    "ics/icalendar__issue_722_missing_timezones.ics": Expected(2, 0, 0, 0, 2),
    "ics/icalendar__issue_836_do_not_quote_tzid.ics": Expected(1, 0, 0, 0, 0),
    "ics/icalendar__property_params.ics": Expected(1, 0, 3, 3, 0),
    "ics/icaljs__duration_instead_of_dtend.ics": Expected(1, 0, 0, 0, 0),
    "ics/icaljs__google_birthday.ics": Expected(3, 0, 1, 3, 1),
    "ics/icaljs__zimbra_recur_instances.ics": Expected(161, 0, 4, 477, 0),
    "ics/khal__event_dt_floating.ics": Expected(1, 0, 0, 0, 0),
    "ics/khal__event_dt_local_missing_tz.ics": Expected(1, 0, 0, 0, 0),
    "ics/khal__event_dt_multi_uid.ics": Expected(2, 0, 0, 0, 0),
    "ics/khal__event_dt_partstat.ics": Expected(1, 0, 4, 4, 0),
    "ics/khal__event_dt_recuid_no_master.ics": Expected(1, 0, 0, 0, 0),
    "ics/khal__event_rrule_recuid_cancelled.ics": Expected(5, 1, 0, 0, 0),
    "ics/khal__tz_windows_format.ics": Expected(1, 0, 0, 0, 0),
    "ics/khal__without_uid.ics": Expected(1, 0, 0, 0, 0),
    "ics/rie__discourse_no_dtend.ics": Expected(4, 0, 0, 0, 0),
    "ics/rie__each_week_but_one_deleted.ics": Expected(7, 0, 0, 0, 0),
    "ics/rie__issue_173_only_modifications_error.ics": Expected(1054, 0, 0, 0, 0),
    "ics/rie__issue_18_cancel_status.ics": Expected(2, 1, 0, 0, 0),
    "ics/rie__issue_20_exdate_ignored.ics": Expected(7, 0, 0, 0, 0),
    "ics/rie__issue_28_rrule_with_UTC_endinginZ.ics": Expected(24, 0, 0, 0, 0),
    "ics/rie__issue_61_confluence_broken_params.ics": Expected(1, 0, 1, 1, 0),
    "ics/rie__issue_62_moved_event.ics": Expected(50, 0, 0, 0, 0),
    "ics/rie__issue_86_x_wr_timezone_floating.ics": Expected(1, 0, 0, 0, 0),
    "ics/rie__recurrence_sequence_number.ics": Expected(278, 0, 0, 0, 0),
    "ics/rie__subcomponents.ics": Expected(1, 0, 1, 1, 0),
    "ics/rie__x_wr_timezone_simple_events_issue_59.ics": Expected(2, 0, 0, 0, 0),
}


def corpus_files() -> list[str]:
    """Return every calendar file of the corpus, relative to its folder."""
    found = [*(CORPUS / "ics").iterdir(), *(CORPUS / "google").iterdir()]
    return sorted(str(path.relative_to(CORPUS)) for path in found if path.is_file())


def test_table_covers_every_corpus_file() -> None:
    assert CORPUS.is_dir(), f"the calendar corpus is missing: expected it at {CORPUS}"
    assert sorted(EXPECTED) == corpus_files()


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_corpus_file_imports(peanut_db: Database, name: str) -> None:
    report = await calendar(peanut_db).import_file(CORPUS / name, **WINDOW)

    result = Expected(
        created=report.created,
        cancelled=report.cancelled,
        people=await count(peanut_db, "entities", "entity_type = 'person'"),
        participants=await count(peanut_db, "commitment_participants"),
        rejected=len(report.errors),
    )
    assert result == EXPECTED[name]
    assert (report.updated, report.unchanged) == (0, 0)
    assert await count(peanut_db, "commitments") == report.created + report.cancelled
    assert all(issue.file == str(CORPUS / name) for issue in report.errors + report.warnings)


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_corpus_file_reimport_changes_nothing(peanut_db: Database, name: str) -> None:
    api = calendar(peanut_db)
    first = await api.import_file(CORPUS / name, **WINDOW)
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    again = await api.import_file(CORPUS / name, **WINDOW)

    assert (again.created, again.updated, again.cancelled) == (0, 0, 0)
    assert again.unchanged + again.stale == first.created + first.cancelled + first.stale
    assert diff(before, await dump(peanut_db)) == {}


async def test_whole_corpus_reimport_changes_nothing(peanut_db: Database) -> None:
    # Each file is its own calendar (source): several files reuse one UID for
    # different events, which within one source would be one event changing.
    api = calendar(peanut_db)
    stored = 0
    for name in sorted(EXPECTED):
        report = await api.import_file(CORPUS / name, source=Path(name).stem, **WINDOW)
        stored += report.created + report.cancelled
    await age_rows(peanut_db)
    before = await dump(peanut_db)

    changed = []
    for name in sorted(EXPECTED):
        report = await api.import_file(CORPUS / name, source=Path(name).stem, **WINDOW)
        if report.created or report.updated or report.cancelled:
            changed.append(name)

    assert changed == []
    assert diff(before, await dump(peanut_db)) == {}
    assert await count(peanut_db, "commitments") == stored
    assert stored == sum(e.created + e.cancelled for e in EXPECTED.values())


async def test_same_uid_in_two_files_is_one_event(peanut_db: Database) -> None:
    # Both Office 365 exports carry the same UID; in one calendar the later import
    # is the newer version of that event.
    api = calendar(peanut_db)
    await api.import_file(CORPUS / "ics/aical__office_365_extended_timezone.ics", **WINDOW)

    report = await api.import_file(CORPUS / "ics/aical__office_365_invalid_timezone.ics", **WINDOW)

    assert (report.created, report.updated) == (0, 1)
    assert await count(peanut_db, "commitments") == 1
    first = CORPUS / "ics/aical__office_365_extended_timezone.ics"
    second = CORPUS / "ics/aical__office_365_invalid_timezone.ics"
    assert report.warnings[-1].reason.startswith(
        f"this import from {second} updated the event last imported from another file, {first}:"
    )
