"""Read the organizer and the attendees of a VEVENT.

Only the event's own ORGANIZER and ATTENDEE properties count: an ATTENDEE inside a
VALARM is the address an e-mail reminder goes to, not a participant. Rooms and
resources (CUTYPE=ROOM or RESOURCE) are not people and are left out without a
warning; an address that is not an e-mail address is left out with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs
from icalendar import Event

from ._issues import IssueLog
from ._model import Attendee, ResponseStatus, normalize_email

PARTSTAT_TO_RESPONSE: Final[Mapping[str, ResponseStatus]] = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "needsAction",
    # A delegate attends in this attendee's place, so the attendee will not come.
    "DELEGATED": "declined",
}
_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})
_MAILTO_AFTER_COLON = ":mailto:"


@attrs.frozen
class People:
    """The organizer's address and name and the attendees of one event."""

    organizer_email: str | None
    organizer_name: str | None
    attendees: tuple[Attendee, ...]


def read_people(event: Event, event_id: str, issues: IssueLog) -> People:
    """Return the organizer and attendees of ``event``, warning about skipped entries."""
    attendees = []
    for value in _values(event.get("ATTENDEE")):
        attendee = _read_attendee(value, event_id, issues)
        if attendee is not None:
            attendees.append(attendee)

    organizers = _values(event.get("ORGANIZER"))
    if len(organizers) > 1:
        issues.warning(event_id, f"the event has {len(organizers)} ORGANIZER lines; used the first")
    organizer_email = organizer_name = None
    if organizers:
        organizer_email, params = _read_address(organizers[0], "ORGANIZER", event_id, issues)
        if organizer_email is not None:
            organizer_name = _text_param(params, "CN")
    return People(organizer_email, organizer_name, tuple(attendees))


def response_status(
    partstat: str | None, event_id: str, email: str, issues: IssueLog
) -> ResponseStatus:
    """Map a PARTSTAT value to a response status; missing or unknown is needsAction."""
    if partstat is None:
        return "needsAction"
    status = PARTSTAT_TO_RESPONSE.get(partstat.strip().upper())
    if status is None:
        issues.warning(
            event_id, f"attendee {email} has an unknown PARTSTAT {partstat!r}; read as needsAction"
        )
        return "needsAction"
    return status


def _read_attendee(value: Any, event_id: str, issues: IssueLog) -> Attendee | None:
    params = _params(value)
    if _is_room_or_resource(params):
        return None
    email, params = _read_address(value, "ATTENDEE", event_id, issues)
    if email is None or _is_room_or_resource(params):
        return None
    status = response_status(_text_param(params, "PARTSTAT"), event_id, email, issues)
    return Attendee(email, _text_param(params, "CN"), status)


def _read_address(
    value: Any, name: str, event_id: str, issues: IssueLog
) -> tuple[str | None, Mapping[str, Any]]:
    text = str(value)
    email = normalize_email(text)
    if email is not None:
        return email, _params(value)
    recovered = _params_after_colon(text)
    if recovered is not None:
        email, params = recovered
        issues.warning(
            event_id,
            f"{name} has its parameters after the colon ({text!r}); read the address {email}",
        )
        return email, params
    issues.warning(event_id, f"{name} {text!r} is not an e-mail address; it was skipped")
    return None, {}


def _params_after_colon(text: str) -> tuple[str, dict[str, str]] | None:
    """Read ``X-KEY=…;CN=Name;CUTYPE=…:mailto:address`` as parameters and an address.

    Atlassian Confluence writes ORGANIZER and ATTENDEE lines this way, so icalendar
    reads the parameters as part of the value.
    """
    index = text.lower().rfind(_MAILTO_AFTER_COLON)
    if index < 0:
        return None
    email = normalize_email(text[index + 1 :])
    if email is None:
        return None
    params: dict[str, str] = {}
    for item in text[:index].split(";"):
        key, equals, parameter = item.partition("=")
        if equals:
            params.setdefault(key.strip().upper(), parameter.strip().strip('"'))
    return email, params


def _is_room_or_resource(params: Mapping[str, Any]) -> bool:
    cutype = _text_param(params, "CUTYPE")
    return cutype is not None and cutype.upper() in _NOT_PEOPLE


def _text_param(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)


def _params(value: Any) -> Mapping[str, Any]:
    params = getattr(value, "params", None)
    return params if isinstance(params, Mapping) else {}


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
