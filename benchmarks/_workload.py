"""The calendar workload: a seeded pool of people and meetings with five attendees each."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import attrs

from peanut_async.plugins.calendar import Attendee, CalendarEvent

SEED = 5_545
POOL_SIZE = 2_000
ATTENDEES_PER_EVENT = 5
# Share of people known by address only, as a bare address in an invitation appears.
UNNAMED_SHARE = 0.05
FIRST_EVENT = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
SOURCE = "benchmark"

_FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kemi", "Lars", "Maya", "Noor", "Oscar", "Priya", "Quinn", "Rosa", "Sami", "Tomas",
)  # fmt: skip
_LAST_NAMES = (
    "Abbott", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
    "Ito", "Jansen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov",
)  # fmt: skip
_DOMAINS = ("example.com", "example.org", "example.net", "corp.example")
_TOPICS = (
    "Weekly sync", "Design review", "1:1", "Planning", "Retrospective", "Customer call",
    "Budget review", "Hiring panel", "Architecture discussion", "Demo", "Standup",
)  # fmt: skip
_DURATIONS = (
    timedelta(minutes=30),
    timedelta(minutes=45),
    timedelta(hours=1),
    timedelta(hours=1, minutes=30),
)
# Response statuses of the invited attendees (the organizer has accepted).
_RESPONSES = ("accepted",) * 5 + ("tentative", "declined") + ("needsAction",) * 3
_STATUSES = ("confirmed",) * 94 + ("tentative",) * 3 + ("cancelled",) * 3


@attrs.frozen
class Person:
    """One member of the attendee pool."""

    email: str
    name: str | None


def make_people(seed: int = SEED) -> list[Person]:
    """Return the pool of ``POOL_SIZE`` people, the same for the same seed."""
    rng = random.Random(seed)
    people = []
    for number in range(POOL_SIZE):
        first = rng.choice(_FIRST_NAMES)
        last = rng.choice(_LAST_NAMES)
        email = f"{first}.{last}{number}@{rng.choice(_DOMAINS)}".lower()
        name = None if rng.random() < UNNAMED_SHARE else f"{first} {last}"
        people.append(Person(email, name))
    return people


def make_events(count: int, people: list[Person], seed: int = SEED) -> list[CalendarEvent]:
    """Return ``count`` meetings, each with 5 attendees from ``people``; the first organizes.

    The same count, pool and seed always give the same events.
    """
    rng = random.Random(seed + count)
    return [_event(rng, number, people) for number in range(count)]


def _event(rng: random.Random, number: int, people: list[Person]) -> CalendarEvent:
    start = FIRST_EVENT + timedelta(minutes=30 * number + 15 * rng.randrange(4))
    invited = rng.sample(people, ATTENDEES_PER_EVENT)
    organizer = invited[0]
    attendees = [Attendee(organizer.email, organizer.name, "accepted")]
    attendees.extend(Attendee(p.email, p.name, rng.choice(_RESPONSES)) for p in invited[1:])
    topic = rng.choice(_TOPICS)
    return CalendarEvent(
        f"bench-{number:06d}@peanut-async.invalid",
        start,
        start + rng.choice(_DURATIONS),
        title=f"{topic} #{number}",
        description=f"Agenda for {topic.lower()}." if rng.random() < 0.6 else None,
        attendees=attendees,
        location=f"Room {rng.randrange(1, 40)}" if rng.random() < 0.4 else None,
        organizer_email=organizer.email,
        organizer_name=organizer.name,
        status=rng.choice(_STATUSES),
        sequence=rng.randrange(3),
        meeting_url=f"https://meet.example.com/{number:06d}" if rng.random() < 0.5 else None,
        source=SOURCE,
    )
