"""Recurrence expansion stays bounded in time and memory for dense or very old series,
and moving an old DTSTART forward keeps every occurrence where the library puts it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from _calendar_support import calendar, vcalendar
from icalendar.prop import vRecur

from peanut_async import Database
from peanut_async.plugins.calendar._expand_limits import (
    MAX_STEPS_BEFORE_WINDOW,
    plan_expansion,
)
from peanut_async.plugins.calendar._ics import parse_ics
from peanut_async.plugins.calendar._model import ParsedCalendar
from peanut_async.plugins.calendar._window import (
    MAX_OCCURRENCES_PER_SERIES,
    default_zone,
    resolve_window,
)

WINDOW_START = date(2026, 1, 1)
WINDOW_END = date(2027, 1, 1)
CAP_WARNING = (
    "the series has more than 5000 occurrences in the window; only the first 5000 were imported"
)
# (RRULE, DTSTART, step between occurrences, first occurrence in the window)
DENSE_SERIES = {
    "secondly": ("FREQ=SECONDLY", "20260301T090000Z", timedelta(seconds=1), "2026-03-01 09:00:00"),
    "minutely": ("FREQ=MINUTELY", "20260301T090000Z", timedelta(minutes=1), "2026-03-01 09:00:00"),
    "old-minutely": (
        "FREQ=MINUTELY",
        "20060101T090000Z",
        timedelta(minutes=1),
        "2026-01-01 00:00:00",
    ),
}


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    return ["calendar"]


def dense_file(directory: Path, name: str) -> Path:
    rule, start, _step, _first = DENSE_SERIES[name]
    path = directory / f"{name}.ics"
    path.write_bytes(
        vcalendar(
            f"UID:{name}@example.com\nDTSTAMP:20260101T000000Z\nDTSTART:{start}\n"
            f"DTEND:{start[:-3]}01Z\nSUMMARY:Tick\nRRULE:{rule}"
        )
    )
    return path


def parse(data: bytes, start: datetime | date, end: datetime | date) -> ParsedCalendar:
    return parse_ics(data, file="test.ics", window_start=start, window_end=end)


# Dense series -----------------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(DENSE_SERIES))
async def test_dense_series_import_stops_at_cap(
    peanut_db: Database, tmp_path: Path, name: str
) -> None:
    path = dense_file(tmp_path, name)

    report = await calendar(peanut_db).import_file(
        path, window_start=WINDOW_START, window_end=WINDOW_END
    )

    assert report.created == MAX_OCCURRENCES_PER_SERIES
    assert [issue.reason for issue in report.warnings] == [CAP_WARNING]
    assert report.errors == ()


@pytest.mark.parametrize("name", sorted(DENSE_SERIES))
async def test_dense_series_keeps_earliest_occurrences(
    peanut_db: Database, tmp_path: Path, name: str
) -> None:
    path = dense_file(tmp_path, name)
    _rule, _start, step, first = DENSE_SERIES[name]
    await calendar(peanut_db).import_file(path, window_start=WINDOW_START, window_end=WINDOW_END)

    rows = await peanut_db.fetch_all("SELECT recurrence_id FROM calendar_events ORDER BY 1")

    last = datetime.fromisoformat(first) + step * (MAX_OCCURRENCES_PER_SERIES - 1)
    assert rows[0][0] == first
    assert rows[-1][0] == f"{last:%Y-%m-%d %H:%M:%S}"


# Imports one file with the default window, under a 1 GiB address-space limit so that
# an unbounded expansion fails with MemoryError instead of exhausting the machine. The
# peak is VmHWM: getrusage's ru_maxrss would include the RSS that the forking pytest
# process had, because Linux keeps that maximum across exec.
_MEASURE = """
import asyncio, json, resource, sys, time
import peanut_async
from peanut_async.plugins.calendar import CalendarAPI

resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

def peak_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024

async def main(database, path):
    async with peanut_async.connect(database, plugins=["calendar"]) as db:
        started = time.perf_counter()
        report = await db.plugin("calendar", CalendarAPI).import_file(path)
        seconds = time.perf_counter() - started
    peak = peak_mib()
    warnings = [issue.reason for issue in report.warnings]
    print(json.dumps({"created": report.created, "warnings": warnings, "seconds": seconds,
                      "peak_mib": peak}))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""
# DTSTART relative to today, so that the default window (a year either side of now)
# contains the series: 100 days ago, or 20 years before the window starts.
NEAR_NOW = {
    "secondly": ("FREQ=SECONDLY", timedelta(days=100)),
    "minutely": ("FREQ=MINUTELY", timedelta(days=100)),
    "old-minutely": ("FREQ=MINUTELY", timedelta(days=365 + 20 * 365)),
}


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted(NEAR_NOW))
def test_dense_series_default_window_is_bounded(tmp_path: Path, name: str) -> None:
    # A process of its own, so the peak resident set size belongs to this import alone.
    rule, age = NEAR_NOW[name]
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - age
    path = tmp_path / f"{name}.ics"
    path.write_bytes(
        vcalendar(f"UID:{name}\nDTSTART:{start:%Y%m%dT%H%M%SZ}\nSUMMARY:Tick\nRRULE:{rule}")
    )

    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(tmp_path / "peanut.db"), str(path)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout)
    assert measured["created"] == MAX_OCCURRENCES_PER_SERIES
    assert measured["warnings"] == [CAP_WARNING]
    # About 50 MiB on CPython 3.11, interpreter and icalendar included. Without the
    # bounds, the SECONDLY import reached 3.3 GiB and the old MINUTELY one 620 MiB.
    assert measured["peak_mib"] < 150, measured


# Moving DTSTART forward -------------------------------------------------------------------

# Rules whose DTSTART lies long before the window. The window covers the DST changes of
# New York (8 March 2026) and Berlin (29 March 2026).
MOVED_SERIES = [
    "DTSTART;TZID=Europe/Berlin:20240101T093000\nDTEND;TZID=Europe/Berlin:20240101T094000\n"
    "RRULE:FREQ=MINUTELY;INTERVAL=17",
    "DTSTART;TZID=America/New_York:20200105T081500\nDURATION:PT20M\n"
    "RRULE:FREQ=HOURLY;INTERVAL=5;BYMINUTE=0,30",
    "DTSTART;TZID=Europe/Berlin:20100104T090000\nDTEND;TZID=Europe/Berlin:20100104T091500\n"
    "RRULE:FREQ=DAILY;INTERVAL=3;BYHOUR=9,17",
    "DTSTART;TZID=Europe/Berlin:20000105T140000\nDTEND;TZID=Europe/Berlin:20000105T150000\n"
    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU",
    "DTSTART;VALUE=DATE:19950103\nRRULE:FREQ=DAILY;INTERVAL=10",
    "DTSTART:20260220T235959Z\nDTEND:20260221T000004Z\n"
    "RRULE:FREQ=SECONDLY;INTERVAL=13;BYHOUR=2;BYMINUTE=0,1",
    "DTSTART;TZID=Europe/Berlin:20100104T090000\nRRULE:FREQ=DAILY\n"
    "EXDATE;TZID=Europe/Berlin:20260325T090000\nRRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=SA",
]


Occurrence = tuple[datetime | date, datetime | date]


def as_instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=UTC)


def in_utc(value: datetime | date) -> datetime | date:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def library_occurrences(data: bytes, start: datetime, end: datetime) -> list[Occurrence]:
    """Return (start, end) of every occurrence that starts in [start, end), straight
    from recurring-ical-events with DTSTART where the file has it, earliest first."""
    components = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(start, end)
    found = [(component["DTSTART"].dt, component["DTEND"].dt) for component in components]
    found = [pair for pair in found if start <= as_instant(pair[0]) < end]
    return sorted(found, key=lambda pair: as_instant(pair[0]))


@pytest.mark.parametrize("series", MOVED_SERIES, ids=range(len(MOVED_SERIES)))
def test_moved_dtstart_keeps_every_occurrence(series: str) -> None:
    data = vcalendar(f"UID:moved\n{series}")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    end = datetime(2026, 4, 2, tzinfo=UTC)

    parsed = parse(data, start, end)

    # A time in a DST gap compares unequal to every instant (PEP 495), so the library's
    # zoned starts are compared in UTC.
    expected = [in_utc(start) for start, _end in library_occurrences(data, start, end)]
    assert expected
    assert [event.start for event in parsed.events] == expected
    assert [event.recurrence_id for event in parsed.events] == expected
    assert parsed.errors == ()


def test_old_dtstart_is_moved_to_before_window() -> None:
    component = icalendar.Event()
    component.add("DTSTART", datetime(2006, 1, 1, 9, 0, 30, tzinfo=UTC))
    component.add("DTEND", datetime(2006, 1, 1, 9, 1, 30, tzinfo=UTC))
    component.add("RRULE", vRecur.from_ical("FREQ=MINUTELY;INTERVAL=7"))
    window = resolve_window(WINDOW_START, WINDOW_END, None, default_zone("UTC"))

    plan = plan_expansion(component, window)

    original = datetime(2006, 1, 1, 9, 0, 30, tzinfo=UTC)
    moved = plan.component["DTSTART"].dt
    latest = window.start - timedelta(hours=26)
    assert latest - timedelta(minutes=7) < moved <= latest
    assert (moved - original) % timedelta(minutes=7) == timedelta(0)
    assert plan.component["DTEND"].dt - moved == timedelta(minutes=1)
    assert component["DTSTART"].dt == original


def test_dense_rule_limits_query_span() -> None:
    component = icalendar.Event()
    component.add("DTSTART", datetime(2026, 3, 1, 9, tzinfo=UTC))
    component.add("RRULE", vRecur.from_ical("FREQ=MINUTELY;BYSECOND=0,20,40"))
    window = resolve_window(WINDOW_START, WINDOW_END, None, default_zone("UTC"))

    plan = plan_expansion(component, window)

    # Three occurrences a minute: 1,000 occurrences take 20,000 seconds.
    assert plan.max_chunk == timedelta(seconds=20_000)


# Series that are rejected -----------------------------------------------------------------


@pytest.mark.timeout(30)
def test_old_series_with_large_count_is_rejected() -> None:
    data = vcalendar("UID:counted\nDTSTART:20060101T090000Z\nRRULE:FREQ=MINUTELY;COUNT=20000000")

    parsed = parse(data, WINDOW_START, WINDOW_END)

    assert parsed.events == ()
    assert [(issue.event_id, issue.reason) for issue in parsed.errors] == [
        (
            "counted",
            "the series was not expanded: with RRULE FREQ=MINUTELY;COUNT=20000000 from "
            "2006-01-01 09:00+00:00, expansion would step through about 10,518,660 "
            f"occurrences before the window starts, more than the limit of "
            f"{MAX_STEPS_BEFORE_WINDOW:,}",
        )
    ]


def test_old_series_with_small_count_expands() -> None:
    data = vcalendar("UID:counted\nDTSTART:20251231T230000Z\nRRULE:FREQ=MINUTELY;COUNT=90")

    parsed = parse(data, WINDOW_START, WINDOW_END)

    assert len(parsed.events) == 30
    assert parsed.errors == ()


@pytest.mark.timeout(30)
def test_heavily_overlapping_series_is_rejected() -> None:
    data = vcalendar(
        "UID:overlap\nDTSTART:20260301T090000Z\nDTEND:20260302T090000Z\nRRULE:FREQ=SECONDLY"
    )

    parsed = parse(data, WINDOW_START, WINDOW_END)

    assert parsed.events == ()
    assert [(issue.event_id, issue.reason) for issue in parsed.errors] == [
        (
            "overlap",
            "the series was not expanded: with RRULE FREQ=SECONDLY and each occurrence lasting "
            "1 day, 0:00:00, up to 86,400 occurrences could overlap, more than the limit of 5,000",
        )
    ]


# Series outside the window ----------------------------------------------------------------


def test_series_outside_window_is_reported() -> None:
    data = vcalendar("UID:old-weekly\nDTSTART:20100104T090000Z\nRRULE:FREQ=WEEKLY;COUNT=4")

    parsed = parse(data, WINDOW_START, WINDOW_END)

    assert parsed.events == ()
    assert [(issue.event_id, issue.reason) for issue in parsed.warnings] == [
        (
            "old-weekly",
            "the recurring series has no occurrence between 2026-01-01 00:00 and 2027-01-01 "
            "00:00 (UTC), so none of it was imported; to import it, pass --from and --to "
            "(window_start and window_end) that cover it",
        )
    ]


def test_series_inside_window_is_not_reported() -> None:
    data = vcalendar("UID:weekly\nDTSTART:20100104T090000Z\nRRULE:FREQ=WEEKLY")

    parsed = parse(data, WINDOW_START, WINDOW_END)

    assert len(parsed.events) == 52
    assert parsed.warnings == ()
