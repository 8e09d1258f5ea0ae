"""A generated iCalendar file shaped like a real export: zones, recurrences, attendees."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs

from ._workload import ATTENDEES_PER_EVENT, FIRST_EVENT, Person

SEED = 2_445
RECURRING_SHARE = 0.2
ZONED_SHARE = 0.4
ALL_DAY_SHARE = 0.05
# One recurring series in OVERRIDE_EVERY gets a moved occurrence (a RECURRENCE-ID
# override) and one in EXDATE_EVERY an excluded one.
OVERRIDE_EVERY = 4
EXDATE_EVERY = 3
WINDOW_START = datetime(2024, 12, 1, tzinfo=UTC)
WINDOW_END = datetime(2027, 1, 1, tzinfo=UTC)

# VTIMEZONE blocks as Google Calendar and Outlook write them: one yearly rule per
# switch. "W. Europe Standard Time" is the Windows name Exchange uses for Berlin.
_ZONES = {
    "Europe/Berlin": (
        "+0100",
        "+0200",
        "CET",
        "CEST",
        "19700329T020000",
        "3",
        "-1SU",
        "19701025T030000",
        "10",
        "-1SU",
    ),
    "America/New_York": (
        "-0500",
        "-0400",
        "EST",
        "EDT",
        "19700308T020000",
        "3",
        "2SU",
        "19701101T020000",
        "11",
        "1SU",
    ),
    "W. Europe Standard Time": (
        "+0100",
        "+0200",
        "CET",
        "CEST",
        "19700329T020000",
        "3",
        "-1SU",
        "19701025T030000",
        "10",
        "-1SU",
    ),
}
_FIXED_ZONES = {"Asia/Tokyo": ("+0900", "JST")}
# Recurrence rules by their number of occurrences.
_RULES = {8: "FREQ=WEEKLY;COUNT=8", 5: "FREQ=DAILY;COUNT=5", 6: "FREQ=WEEKLY;INTERVAL=2;COUNT=6"}
_PARTSTATS = ("ACCEPTED",) * 5 + ("TENTATIVE", "DECLINED") + ("NEEDS-ACTION",) * 3
_DESCRIPTION = "Agenda:\\n1. status\\n2. next steps"
_TOPICS = ("Team sync", "Design review", "Planning, Q3", "Customer call", "Retro", "Demo")


@attrs.frozen
class IcsContents:
    """Counts of a generated file's contents; ``occurrences`` is the number of events it
    expands to."""

    vevents: int
    occurrences: int
    recurring: int
    overrides: int
    zoned: int
    all_day: int
    size_bytes: int


def write_ics(path: Path, count: int, people: list[Person], seed: int = SEED) -> IcsContents:
    """Write a calendar of ``count`` VEVENTs to ``path`` and describe what it holds."""
    rng = random.Random(seed + count)
    counts = {"recurring": 0, "overrides": 0, "zoned": 0, "all_day": 0, "occurrences": 0}
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//peanut-async//benchmark//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Benchmark"]  # fmt: skip
    lines.extend(_vtimezones())
    number = 0
    while number < count:
        written = _write_series(lines, rng, number, count - number, people, counts)
        number += written
    lines.append("END:VCALENDAR")
    data = "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")
    path.write_bytes(data)
    return IcsContents(vevents=count, size_bytes=len(data), **counts)


def _write_series(
    lines: list[str],
    rng: random.Random,
    number: int,
    room: int,
    people: list[Person],
    counts: dict[str, int],
) -> int:
    start = FIRST_EVENT + timedelta(minutes=30 * number)
    invited = rng.sample(people, ATTENDEES_PER_EVENT)
    uid = f"ics-{number:06d}@peanut-async.invalid"
    if rng.random() < ALL_DAY_SHARE:
        counts["all_day"] += 1
        counts["occurrences"] += 1
        lines.extend(_vevent(rng, uid, number, invited, _all_day(start.date())))
        return 1

    zone = None
    if rng.random() < ZONED_SHARE:
        counts["zoned"] += 1
        zone = rng.choice([*_ZONES, *_FIXED_ZONES])
    times = _timed(start, start + timedelta(minutes=rng.choice((30, 45, 60))), zone)
    if room < 2 or rng.random() >= RECURRING_SHARE:
        counts["occurrences"] += 1
        lines.extend(_vevent(rng, uid, number, invited, times))
        return 1

    counts["recurring"] += 1
    occurrences = rng.choice((8, 5, 6))
    rule = _RULES[occurrences]
    counts["occurrences"] += occurrences
    extra = [f"RRULE:{rule}"]
    if number % EXDATE_EVERY == 0:
        counts["occurrences"] -= 1
        extra.append(_time_line("EXDATE", start + _step(rule), zone))
    lines.extend(_vevent(rng, uid, number, invited, times + extra))
    if number % OVERRIDE_EVERY != 0:
        return 1
    counts["overrides"] += 1
    original = start + 2 * _step(rule)
    moved = original + timedelta(hours=1)
    override = _timed(moved, moved + timedelta(minutes=30), zone)
    override.append(_time_line("RECURRENCE-ID", original, zone))
    lines.extend(_vevent(rng, uid, number, invited, [*override, "SEQUENCE:1"]))
    return 2


def _step(rule: str) -> timedelta:
    if "DAILY" in rule:
        return timedelta(days=1)
    return timedelta(weeks=2 if "INTERVAL=2" in rule else 1)


def _vevent(
    rng: random.Random, uid: str, number: int, invited: list[Person], times: list[str]
) -> Iterator[str]:
    organizer = invited[0]
    yield "BEGIN:VEVENT"
    yield f"UID:{uid}"
    yield "DTSTAMP:20250101T000000Z"
    yield from times
    yield f"SUMMARY:{_escape(rng.choice(_TOPICS))} #{number}"
    if rng.random() < 0.6:
        yield f"DESCRIPTION:{_DESCRIPTION}"
    if rng.random() < 0.4:
        yield f"LOCATION:Room {rng.randrange(1, 40)}"
    yield f"ORGANIZER{_common_name(organizer)}:mailto:{organizer.email}"
    for index, person in enumerate(invited):
        partstat = "ACCEPTED" if index == 0 else rng.choice(_PARTSTATS)
        yield (
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=TRUE"
            f"{_common_name(person)}:mailto:{person.email}"
        )
    yield "STATUS:CONFIRMED"
    yield "END:VEVENT"


def _common_name(person: Person) -> str:
    return "" if person.name is None else f';CN="{person.name}"'


def _all_day(day: date) -> list[str]:
    end = day + timedelta(days=1)
    return [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}"]


def _timed(start: datetime, end: datetime, zone: str | None) -> list[str]:
    return [_time_line("DTSTART", start, zone), _time_line("DTEND", end, zone)]


def _time_line(name: str, value: datetime, zone: str | None) -> str:
    # Zoned times keep the UTC wall-clock digits: the instant differs by the zone's
    # offset, which is all the benchmark needs.
    if zone is None:
        return f"{name}:{value:%Y%m%dT%H%M%S}Z"
    return f"{name};TZID={zone}:{value:%Y%m%dT%H%M%S}"


def _vtimezones() -> Iterator[str]:
    for name, zone in _ZONES.items():
        standard, daylight, std_name, dst_name, dst_start, dst_month, dst_day = zone[:7]
        std_start, std_month, std_day = zone[7:]
        yield from (
            "BEGIN:VTIMEZONE", f"TZID:{name}",
            "BEGIN:DAYLIGHT", f"TZOFFSETFROM:{standard}", f"TZOFFSETTO:{daylight}",
            f"TZNAME:{dst_name}", f"DTSTART:{dst_start}",
            f"RRULE:FREQ=YEARLY;BYMONTH={dst_month};BYDAY={dst_day}", "END:DAYLIGHT",
            "BEGIN:STANDARD", f"TZOFFSETFROM:{daylight}", f"TZOFFSETTO:{standard}",
            f"TZNAME:{std_name}", f"DTSTART:{std_start}",
            f"RRULE:FREQ=YEARLY;BYMONTH={std_month};BYDAY={std_day}", "END:STANDARD",
            "END:VTIMEZONE",
        )  # fmt: skip
    for name, (offset, abbreviation) in _FIXED_ZONES.items():
        yield from (
            "BEGIN:VTIMEZONE", f"TZID:{name}", "BEGIN:STANDARD",
            f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", f"TZNAME:{abbreviation}",
            "DTSTART:19700101T000000", "END:STANDARD", "END:VTIMEZONE",
        )  # fmt: skip


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a character."""
    if len(line.encode("utf-8")) <= 75:
        return line
    pieces = []
    current = ""
    size = 0
    for character in line:
        width = len(character.encode("utf-8"))
        # Continuation lines start with a space, which counts towards their 75 octets.
        limit = 75 if not pieces else 74
        if size + width > limit:
            pieces.append(current)
            current = ""
            size = 0
        current += character
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)
