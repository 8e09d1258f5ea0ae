"""The stored text of one event, computed the way the calendar plugin computes it.

The baselines write exactly the rows the plugin writes, so they need the same values:
canonical UTC text, the same content digest and version 4 UUID ids. The row checks of
the ingest benchmark compare the three databases, so any drift from the plugin's
layout fails the run instead of skewing the numbers.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, date, datetime

from peanut_async.plugins.calendar import CalendarEvent

SOURCE_TYPE = "calendar"
COMMITMENT_STATUS = {"confirmed": "open", "tentative": "open", "cancelled": "cancelled"}

# (normalized email, display name or None, response status)
AttendeeRow = tuple[str, str | None, str]


class EventText:
    """The columns the plugin derives from one event."""

    __slots__ = (
        "all_day",
        "attendees",
        "content_hash",
        "due",
        "end",
        "event",
        "organizer_name",
        "recurrence_id",
    )

    def __init__(self, event: CalendarEvent) -> None:
        self.event = event
        self.recurrence_id = event.identity[2]
        self.all_day = not isinstance(event.start, datetime)
        self.due = stored_time(event.start)
        self.end = stored_time(event.end)
        # Sorted so the digest does not depend on the order attendees were listed in.
        self.attendees: tuple[AttendeeRow, ...] = tuple(
            sorted([(a.email, a.name, a.response_status) for a in event.attendees])
        )
        self.organizer_name = event.organizer_name or self._attendee_name(event.organizer_email)
        self.content_hash = self._digest()

    def _attendee_name(self, email: str | None) -> str | None:
        for address, name, _status in self.attendees:
            if address == email:
                return name
        return None

    def _digest(self) -> str:
        event = self.event
        content = (
            event.sequence,
            self.due,
            self.end,
            self.all_day,
            event.title,
            event.description,
            event.location,
            event.meeting_url,
            event.recurrence_rule,
            event.status,
            event.organizer_email,
            self.organizer_name,
            self.attendees,
        )
        return hashlib.blake2b(repr(content).encode(), digest_size=16).hexdigest()


def stored_time(value: datetime | date) -> str:
    """Return an instant as UTC text ``YYYY-MM-DD HH:MM:SS`` or a date as ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(" ", "seconds")[:19]
    return value.isoformat()


def placeholder_name(email: str) -> str:
    """Return the name of a person known by address only: the address's local part."""
    return email.partition("@")[0] or email


def bulk_uuid4(count: int) -> list[str]:
    """Return ``count`` version 4 UUID strings from one ``os.urandom`` call, ascending.

    The plugin hands out each batch's ids in ascending order, so inserts append to the
    id indexes instead of landing at random places. The limit does the same, so that it
    measures writing the rows and not a different id order.
    """
    digits = os.urandom(16 * count).hex()
    ids = []
    for offset in range(0, 32 * count, 32):
        h = digits[offset : offset + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    # The dashes sit at the same places in every id, so text order is numeric order.
    ids.sort()
    return ids
