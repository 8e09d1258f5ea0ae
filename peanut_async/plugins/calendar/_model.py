"""The calendar event model shared by the .ics and Google parsers and the storage side.

Every record is a frozen attrs class that validates its fields when built and raises
:class:`~peanut_async.ValidationError` naming the field and the bad value. Times are
normalized on the way in: aware datetimes become UTC, dates stay dates (all-day
events), and :attr:`CalendarEvent.end` is never None once an event exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal

import attrs

from ..._errors import ValidationError
from ..._time import to_db_time

ResponseStatus = Literal["accepted", "declined", "tentative", "needsAction"]
EventStatus = Literal["confirmed", "tentative", "cancelled"]

RESPONSE_STATUSES: Final = ("accepted", "declined", "tentative", "needsAction")
EVENT_STATUSES: Final = ("confirmed", "tentative", "cancelled")

_MAILTO = "mailto:"
# RFC 5322 "specials" cannot appear in an address outside quotes. Text that contains
# one is something else, such as parameters that a broken exporter put in the value.
_NOT_IN_ADDRESS = frozenset('()<>[]:;,\\"')
_ONE_DAY = timedelta(days=1)


def normalize_email(raw: object) -> str | None:
    """Return ``raw`` as a lowercase email address, or None when it is not one.

    A ``mailto:`` prefix (in any case) and surrounding whitespace are removed. The
    result must contain exactly one ``@`` with a non-empty part on each side, and no
    whitespace and none of the characters ``()<>[]:;,\\"``. Anything else (a room
    name, ``MockAccount``, ``Ann <ann@example.com>``, a value that is not a string)
    returns None.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text[: len(_MAILTO)].lower() == _MAILTO:
        text = text[len(_MAILTO) :].strip()
    local, at, domain = text.partition("@")
    if not at or not local or not domain or "@" in domain:
        return None
    if any(character.isspace() or character in _NOT_IN_ADDRESS for character in text):
        return None
    return text.lower()


def _expected_one_of(choices: Iterable[str]) -> str:
    """Return ``"one of 'a', 'b'"`` for a ValidationError's ``expected`` text."""
    return "one of " + ", ".join(repr(choice) for choice in choices)


def _attendee_email(value: str) -> str:
    email = normalize_email(value)
    if email is None:
        raise ValidationError("email", value, "an email address such as 'ann@example.com'")
    return email


def _clean_name(field: str, value: str | None) -> str | None:
    # Exporters pad display names (a CN folded with two spaces keeps one); an empty
    # name carries nothing, so it becomes None.
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, value, "a string or None")
    return value.strip() or None


def _attendee_name(value: str | None) -> str | None:
    return _clean_name("name", value)


def _organizer_name(value: str | None) -> str | None:
    return _clean_name("organizer_name", value)


def _one_of(choices: tuple[str, ...]) -> Any:
    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in choices:
            raise ValidationError(attribute.name, value, _expected_one_of(choices))

    return validate


@attrs.frozen
class Attendee:
    """One person invited to an event: address, display name and response status."""

    email: str = attrs.field(converter=_attendee_email)
    name: str | None = attrs.field(default=None, converter=_attendee_name)
    response_status: ResponseStatus = attrs.field(
        default="needsAction", validator=_one_of(RESPONSE_STATUSES)
    )


def merge_attendees(attendees: Iterable[Attendee]) -> tuple[Attendee, ...]:
    """Return one Attendee per email address, in order of first appearance.

    Of several entries for one address, the first non-empty name is kept, and the first
    definitive response (accepted, declined, tentative) wins over needsAction, because
    exporters repeat an attendee with a stale NEEDS-ACTION beside the real response.
    """
    merged: dict[str, Attendee] = {}
    for attendee in attendees:
        if not isinstance(attendee, Attendee):
            raise ValidationError("attendees", attendee, "a sequence of Attendee")
        known = merged.get(attendee.email)
        if known is None:
            merged[attendee.email] = attendee
            continue
        name = known.name if known.name is not None else attendee.name
        status = known.response_status
        if status == "needsAction":
            status = attendee.response_status
        merged[attendee.email] = Attendee(attendee.email, name, status)
    return tuple(merged.values())


def _attendee_tuple(value: Iterable[Attendee]) -> tuple[Attendee, ...]:
    try:
        items = list(value)
    except TypeError:
        raise ValidationError("attendees", value, "a sequence of Attendee") from None
    return merge_attendees(items)


def event_time(field: str, value: datetime | date) -> datetime | date:
    """Return an aware datetime converted to UTC, or a date unchanged.

    Raises ValidationError for a naive datetime or a value of another type.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(field, value, "an aware datetime (with tzinfo) or a date")
        return _to_utc(value)
    if isinstance(value, date):
        return value
    raise ValidationError(field, value, "an aware datetime or a date")


def _to_utc(value: datetime) -> datetime:
    # RFC 5545 section 3.3.5: a local time inside a DST gap means that time moved
    # forward by the length of the gap. zoneinfo does so for fold=0, but the zones
    # icalendar builds from a VTIMEZONE (dateutil) apply the offset after the gap, so
    # of the two readings of a missing local time the later instant is taken.
    instant = value.astimezone(UTC)
    wall_time = value.replace(tzinfo=None)
    again = instant.astimezone(value.tzinfo)
    if again.replace(tzinfo=None) == wall_time:
        return instant
    offset = again.utcoffset()
    if offset is None:
        return instant
    return max(instant, (wall_time - offset).replace(tzinfo=UTC))


def _resolve_end(start: datetime | date, end: datetime | date | None) -> datetime | date:
    all_day = not isinstance(start, datetime)
    if end is None:
        return start + _ONE_DAY if all_day else start
    end = event_time("end", end)
    if all_day != (not isinstance(end, datetime)):
        kind = "a date, like the all-day start" if all_day else "an aware datetime, like the start"
        raise ValidationError("end", end, kind)
    if end < start:
        raise ValidationError("end", end, f"at or after the start ({start.isoformat()})")
    if all_day and end == start:
        # Some exporters write DTEND equal to DTSTART for a one-day event.
        return start + _ONE_DAY
    return end


def _optional_recurrence_id(value: datetime | date | None) -> datetime | date | None:
    return None if value is None else event_time("recurrence_id", value)


def _organizer_email(value: str | None) -> str | None:
    if value is None:
        return None
    email = normalize_email(value)
    if email is None:
        raise ValidationError("organizer_email", value, "an email address or None")
    return email


def _non_empty_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(attribute.name, value, "a non-empty string")


def _text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise ValidationError(attribute.name, value, "a string")


def _optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ValidationError(attribute.name, value, "a string or None")


def _sequence(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationError(attribute.name, value, "an integer of 0 or more")


@attrs.frozen(init=False)
class CalendarEvent:
    """One event, or one occurrence of a recurring event, ready to be stored.

    ``start`` and ``end`` are both aware datetimes (stored in UTC) or both dates (an
    all-day event, ``end`` exclusive). Without an end, a timed event lasts zero time
    and an all-day event one day. An all-day end equal to the start also means one
    day. ``recurrence_id`` is the original start of an occurrence of a recurring event
    and None for a single event. ``identity`` identifies the event across imports.
    """

    source_id: str = attrs.field(validator=_non_empty_text)
    start: datetime | date
    end: datetime | date
    title: str = attrs.field(validator=_text)
    description: str | None = attrs.field(validator=_optional_text)
    attendees: tuple[Attendee, ...] = attrs.field(converter=_attendee_tuple)
    location: str | None = attrs.field(validator=_optional_text)
    organizer_email: str | None = attrs.field(converter=_organizer_email)
    status: EventStatus = attrs.field(validator=_one_of(EVENT_STATUSES))
    recurrence_id: datetime | date | None = attrs.field(converter=_optional_recurrence_id)
    sequence: int = attrs.field(validator=_sequence)
    meeting_url: str | None = attrs.field(validator=_optional_text)
    recurrence_rule: str | None = attrs.field(validator=_optional_text)
    source: str = attrs.field(validator=_non_empty_text)
    organizer_name: str | None = attrs.field(converter=_organizer_name)

    def __init__(
        self,
        source_id: str,
        start: datetime | date,
        end: datetime | date | None = None,
        *,
        title: str = "",
        description: str | None = None,
        attendees: Iterable[Attendee] = (),
        location: str | None = None,
        organizer_email: str | None = None,
        status: EventStatus = "confirmed",
        recurrence_id: datetime | date | None = None,
        sequence: int = 0,
        meeting_url: str | None = None,
        recurrence_rule: str | None = None,
        source: str = "calendar",
        organizer_name: str | None = None,
    ) -> None:
        start = event_time("start", start)
        self.__attrs_init__(
            source_id=source_id,
            start=start,
            end=_resolve_end(start, end),
            title=title,
            description=description,
            attendees=attendees,
            location=location,
            organizer_email=organizer_email,
            status=status,
            recurrence_id=recurrence_id,
            sequence=sequence,
            meeting_url=meeting_url,
            recurrence_rule=recurrence_rule,
            source=source,
            organizer_name=organizer_name,
        )

    @property
    def all_day(self) -> bool:
        """Whether the event spans whole days (``start`` and ``end`` are dates)."""
        return not isinstance(self.start, datetime)

    @property
    def identity(self) -> tuple[str, str, str]:
        """``(source, source_id, recurrence key)``; the key is ``""`` for a single event.

        The key is the recurrence id in stored form: ``YYYY-MM-DD HH:MM:SS`` in UTC, or
        ``YYYY-MM-DD`` for an occurrence of an all-day series.
        """
        key = "" if self.recurrence_id is None else to_db_time(self.recurrence_id)
        return (self.source, self.source_id, key)


@attrs.frozen
class EventIssue:
    """A problem found while parsing: the file, the event's id (None for the whole
    file or an event without any id), and the reason in plain words."""

    file: str
    event_id: str | None
    reason: str


@attrs.frozen
class ParsedCalendar:
    """The events parsed from one file or payload, with every error and warning.

    ``errors`` lists events that were not imported; ``warnings`` lists data that was
    skipped or reinterpreted while the event itself was imported.
    """

    events: tuple[CalendarEvent, ...]
    errors: tuple[EventIssue, ...] = ()
    warnings: tuple[EventIssue, ...] = ()
