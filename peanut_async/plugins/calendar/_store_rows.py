"""Turn events into the text the database stores, with a content digest and new ids.

Everything here is plain Python and runs before any statement, so an event that cannot
be stored is rejected with its reason before the batch writes anything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from ..._errors import ValidationError
from ._model import CalendarEvent
from ._store_report import ImportIssue

Identity = tuple[str, str, str]
# (normalized email, display name or None, response status)
AttendeeRow = tuple[str, str | None, str]

_DATE_LENGTH = len("YYYY-MM-DD")
_blake2b = hashlib.blake2b
_COMMITMENT_STATUS = {"confirmed": "open", "tentative": "open", "cancelled": "cancelled"}


class PreparedEvent:
    """One event converted to stored text, ready for the batch writer.

    :class:`CalendarEvent` validates its fields when built, so this class only converts
    them. It raises :class:`ValidationError` for an object that is not a CalendarEvent.
    """

    __slots__ = (
        "all_day",
        "attendees",
        "commitment_status",
        "content_hash",
        "description",
        "due",
        "end",
        "event_status",
        "identity",
        "location",
        "meeting_url",
        "organizer_email",
        "organizer_name",
        "recurrence_rule",
        "sequence",
        "title",
    )

    def __init__(self, event: CalendarEvent) -> None:
        if not isinstance(event, CalendarEvent):
            raise ValidationError("event", event, "a CalendarEvent")
        self.identity: Identity = event.identity
        self.sequence = event.sequence
        self.due = _stored_time(event.start)
        self.end = _stored_time(event.end)
        self.all_day = len(self.due) == _DATE_LENGTH
        self.title = event.title
        self.description = event.description
        self.location = event.location
        self.meeting_url = event.meeting_url
        self.recurrence_rule = event.recurrence_rule
        self.event_status = event.status
        self.commitment_status = _COMMITMENT_STATUS[event.status]
        # Sorted so the digest does not depend on the order attendees were listed in.
        self.attendees: tuple[AttendeeRow, ...] = tuple(
            sorted([(a.email, a.name, a.response_status) for a in event.attendees])
        )
        self.organizer_email = event.organizer_email
        self.organizer_name = _organizer_name(event, self.attendees)
        # repr() of str, int, bool and None is stable across runs and versions, so equal
        # content always gives the same digest.
        content = (
            self.sequence, self.due, self.end, self.all_day, self.title, self.description,
            self.location, self.meeting_url, self.recurrence_rule, self.event_status,
            self.organizer_email, self.organizer_name, self.attendees,
        )  # fmt: skip
        self.content_hash = _blake2b(repr(content).encode(), digest_size=16).hexdigest()

    @property
    def event_id(self) -> str:
        """The event id shown in reports."""
        return describe_identity(self.identity)


def prepare_events(
    events: Iterable[CalendarEvent], file: str | None
) -> tuple[
    list[PreparedEvent],
    list[PreparedEvent],
    list[tuple[ImportIssue, ValidationError]],
    list[ImportIssue],
]:
    """Convert ``events`` and keep one event per identity.

    Returns the kept events, the superseded duplicates (stale), the rejected events with
    their errors, and the warnings. Of several events with one identity, the highest
    SEQUENCE wins whatever the order. On equal SEQUENCE the later one wins, as a later
    import would.
    """
    latest: dict[Identity, PreparedEvent] = {}
    stale: list[PreparedEvent] = []
    rejected: list[tuple[ImportIssue, ValidationError]] = []
    warnings: list[ImportIssue] = []
    for event in events:
        try:
            prepared = PreparedEvent(event)
        except ValidationError as error:
            rejected.append((ImportIssue(file, _event_id_or_none(event), str(error)), error))
            continue
        previous = latest.get(prepared.identity)
        if previous is None:
            latest[prepared.identity] = prepared
            continue
        winner, loser = (
            (prepared, previous) if prepared.sequence >= previous.sequence else (previous, prepared)
        )
        latest[prepared.identity] = winner
        stale.append(loser)
        reason = (
            f"the event appears more than once; kept SEQUENCE {winner.sequence}, "
            f"ignored SEQUENCE {loser.sequence}"
        )
        warnings.append(ImportIssue(file, prepared.event_id, reason))
    return list(latest.values()), stale, rejected, warnings


def describe_identity(identity: Identity) -> str:
    """Return the event id shown in reports: the UID, plus the recurrence id if any."""
    _source, uid, recurrence_id = identity
    return f"{uid} (recurrence {recurrence_id})" if recurrence_id else uid


def new_ids(count: int) -> list[str]:
    """Return ``count`` random version 4 UUID strings in ascending order.

    Same form as ``str(uuid.uuid4())``. One ``os.urandom`` call serves every id, which
    makes this about twice as fast as calling ``uuid.uuid4()`` per id, sorting included.
    Ascending ids make a batch insert walk each id index in order instead of jumping
    through it.
    """
    raw = bytearray(os.urandom(16 * count))
    # RFC 9562 version 4: the high nibble of byte 6 is 4 and the top bits of byte 8 are 10.
    raw[6::16] = bytes([(byte & 0x0F) | 0x40 for byte in raw[6::16]])
    raw[8::16] = bytes([(byte & 0x3F) | 0x80 for byte in raw[8::16]])
    ordered = sorted([bytes(raw[offset : offset + 16]) for offset in range(0, 16 * count, 16)])
    digits = b"".join(ordered).hex()
    return [_dashed(digits[offset : offset + 32]) for offset in range(0, 32 * count, 32)]


def _dashed(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _stored_time(value: datetime | date) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        # 'YYYY-MM-DD HH:MM:SS' without fractions or offset. isoformat() is about three
        # times faster than strftime().
        return value.isoformat(" ", "seconds")[:19]
    return value.isoformat()


def _organizer_name(event: CalendarEvent, attendees: Sequence[AttendeeRow]) -> str | None:
    name = event.organizer_name
    if name is not None or event.organizer_email is None:
        return name
    for email, attendee_name, _status in attendees:
        if email == event.organizer_email:
            return attendee_name
    return None


def _event_id_or_none(event: object) -> str | None:
    try:
        identity = event.identity  # type: ignore[attr-defined]
        return describe_identity(identity)
    except (AttributeError, TypeError, ValueError):
        return None
