"""Write generated events as .ics (with the icalendar library) or as Google Calendar JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText

from peanut_async.plugins.calendar import CalendarEvent

_PARTSTAT = {
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
    "needsAction": "NEEDS-ACTION",
}


def to_ics(events: Iterable[CalendarEvent]) -> bytes:
    """Return one VCALENDAR holding a VEVENT for each event."""
    calendar = Calendar()
    calendar.add("prodid", "-//peanut-async reliability suite//EN")
    calendar.add("version", "2.0")
    for event in events:
        calendar.add_component(_vevent(event))
    data: bytes = calendar.to_ical()
    return data


def _vevent(event: CalendarEvent) -> Event:
    vevent = Event()
    vevent.add("uid", event.source_id)
    vevent.add("dtstamp", datetime(2030, 1, 1))
    vevent.add("dtstart", event.start)
    vevent.add("dtend", event.end)
    vevent.add("summary", event.title)
    vevent.add("sequence", event.sequence)
    if event.description is not None:
        vevent.add("description", event.description)
    if event.location is not None:
        vevent.add("location", vText(event.location))
    if event.organizer_email is not None:
        organizer = vCalAddress(f"mailto:{event.organizer_email}")
        if event.organizer_name:
            organizer.params["cn"] = event.organizer_name
        vevent.add("organizer", organizer)
    for attendee in event.attendees:
        address = vCalAddress(f"mailto:{attendee.email}")
        if attendee.name:
            address.params["cn"] = attendee.name
        address.params["partstat"] = _PARTSTAT[attendee.response_status]
        vevent.add("attendee", address)
    return vevent


def to_google(events: Iterable[CalendarEvent]) -> bytes:
    """Return an events list as the Google Calendar API returns it (``items``)."""
    return json.dumps({"kind": "calendar#events", "items": [_item(e) for e in events]}).encode()


def _item(event: CalendarEvent) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "calendar#event",
        "id": event.source_id,
        "status": event.status,
        "summary": event.title,
        "sequence": event.sequence,
        "start": _google_time(event.start),
        "end": _google_time(event.end),
        "attendees": [
            {
                "email": attendee.email,
                "responseStatus": attendee.response_status,
                **({"displayName": attendee.name} if attendee.name else {}),
            }
            for attendee in event.attendees
        ],
    }
    if event.description is not None:
        item["description"] = event.description
    if event.location is not None:
        item["location"] = event.location
    if event.organizer_email is not None:
        item["organizer"] = {"email": event.organizer_email}
        if event.organizer_name:
            item["organizer"]["displayName"] = event.organizer_name
    return item


def _google_time(value: datetime | date) -> dict[str, str]:
    if isinstance(value, datetime):
        return {"dateTime": value.isoformat()}
    return {"date": value.isoformat()}
