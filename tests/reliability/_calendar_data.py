"""Generated calendars with overlapping people, and what the database stores of them.

Events are built deterministically from a seed, so a child process and the test that
checks its work build the same events. :func:`stored_meetings` reads back every stored
event with its title and participants, in the form :func:`expected_meetings` gives for
the events that were sent.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from peanut_async.plugins.calendar import Attendee, CalendarEvent

PEOPLE = 300
STATUSES = ("accepted", "declined", "tentative", "needsAction")
FIRST_START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)

Identity = tuple[str, str, str]
Meeting = tuple[str, frozenset[tuple[str, str]]]


def person(number: int) -> tuple[str, str]:
    """Return the email address and display name of person ``number``."""
    return f"person{number:04}@example.org", f"Person {number:04}"


def make_events(
    numbers: Iterable[int],
    *,
    seed: int = 0,
    attendees: tuple[int, int] = (2, 8),
    source: str = "calendar",
) -> list[CalendarEvent]:
    """Return event ``n`` for each ``n`` in ``numbers``.

    The same number and seed always give the same event. Attendees are drawn from
    ``PEOPLE`` people, so events share people.
    """
    return [_event(number, seed, attendees, source) for number in numbers]


def _event(number: int, seed: int, attendees: tuple[int, int], source: str) -> CalendarEvent:
    rng = random.Random(f"{seed}:{number}")
    chosen = rng.sample(range(PEOPLE), rng.randint(*attendees))
    start = FIRST_START + timedelta(hours=number)
    organizer_email, organizer_name = person(chosen[0])
    return CalendarEvent(
        f"event-{number:05}@example.org",
        start,
        start + timedelta(minutes=30),
        title=f"Meeting {number}",
        description=f"Agenda of meeting {number}",
        attendees=[
            Attendee(person(index)[0], person(index)[1], rng.choice(STATUSES)) for index in chosen
        ],
        organizer_email=organizer_email,
        organizer_name=organizer_name,
        source=source,
    )


def batches(events: Sequence[CalendarEvent], size: int) -> list[list[CalendarEvent]]:
    """Split ``events`` into consecutive batches of ``size``."""
    return [list(events[offset : offset + size]) for offset in range(0, len(events), size)]


def expected_meetings(events: Iterable[CalendarEvent]) -> dict[Identity, Meeting]:
    """Return {identity: (title, {(email, response status)})} for ``events``."""
    return {
        event.identity: (
            event.title,
            frozenset((attendee.email, attendee.response_status) for attendee in event.attendees),
        )
        for event in events
    }


_STORED = """
SELECT e.source, e.uid, e.recurrence_id, c.description, a.attribute_value, p.response_status
FROM calendar_events AS e
JOIN commitments AS c ON c.id = e.commitment_id
LEFT JOIN commitment_participants AS p ON p.commitment_id = c.id
LEFT JOIN entity_attributes AS a ON a.entity_id = p.entity_id AND a.attribute_type = 'email'
"""


def stored_meetings(conn: sqlite3.Connection) -> dict[Identity, Meeting]:
    """Return every stored calendar event in the form of :func:`expected_meetings`."""
    titles: dict[Identity, str] = {}
    participants: dict[Identity, set[tuple[str, str]]] = {}
    for source, uid, recurrence_id, title, email, status in conn.execute(_STORED):
        identity = (source, uid, recurrence_id)
        titles[identity] = title
        found = participants.setdefault(identity, set())
        if status is not None:
            found.add((email, status))
    return {identity: (titles[identity], frozenset(participants[identity])) for identity in titles}


def read_meetings(path: Path) -> dict[Identity, Meeting]:
    """Open ``path`` and return :func:`stored_meetings`."""
    with closing(sqlite3.connect(path)) as conn:
        return stored_meetings(conn)


_ANOMALIES = {
    "duplicate_emails": (
        "SELECT count(*) FROM (SELECT attribute_value FROM entity_attributes "
        "WHERE attribute_type = 'email' GROUP BY 1 HAVING count(*) > 1)"
    ),
    "duplicate_events": (
        "SELECT count(*) FROM (SELECT 1 FROM calendar_events "
        "GROUP BY source, uid, recurrence_id HAVING count(*) > 1)"
    ),
    "people_without_email": (
        "SELECT count(*) FROM entities AS n WHERE entity_type = 'person' AND NOT EXISTS "
        "(SELECT 1 FROM entity_attributes AS a WHERE a.entity_id = n.id "
        "AND a.attribute_type = 'email')"
    ),
    "commitments_without_event": (
        "SELECT count(*) FROM commitments AS c WHERE source_type = 'calendar' "
        "AND NOT EXISTS (SELECT 1 FROM calendar_events AS e WHERE e.commitment_id = c.id)"
    ),
}


def anomaly_counts(path: Path) -> dict[str, int]:
    """Return how many rows of each kind in ``_ANOMALIES`` the database contains.

    Every count is 0 in a consistent database: one person per email address, one
    event per identity, no person without an address (the calendar never creates
    one) and no calendar commitment without its ``calendar_events`` row.
    """
    with closing(sqlite3.connect(path)) as conn:
        return {name: conn.execute(sql).fetchone()[0] for name, sql in _ANOMALIES.items()}
