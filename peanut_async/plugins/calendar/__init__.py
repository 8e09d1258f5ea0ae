"""The calendar plugin: iCalendar and Google Calendar events into people and meetings.

``db.plugin("calendar", CalendarAPI)`` ingests events (one transaction per batch),
imports ``.ics`` files and Google Calendar API JSON, and runs meeting queries. Each
event becomes a ``meeting`` commitment owned by its organizer, one
``commitment_participants`` row per attendee, and a ``calendar_events`` row (created by
this plugin's own migration) with what a commitment cannot hold.
"""

from __future__ import annotations

from importlib.resources import files

from ..._plugin import Plugin
from ._api import CalendarAPI
from ._cli import register_commands
from ._model import Attendee, CalendarEvent
from ._store_queries import Meeting, MeetingAttendee
from ._store_report import EventOutcome, ImportIssue, ImportReport

__all__ = [
    "Attendee",
    "CalendarAPI",
    "CalendarEvent",
    "EventOutcome",
    "ImportIssue",
    "ImportReport",
    "Meeting",
    "MeetingAttendee",
    "PLUGIN",
]

PLUGIN = Plugin(
    name="calendar",
    tables={
        "entities": ("id", "canonical_name", "entity_type", "updated_at"),
        "entity_attributes": ("id", "entity_id", "attribute_type", "attribute_value"),
        "commitments": (
            "id",
            "type",
            "description",
            "owner_entity_id",
            "due_date",
            "end_date",
            "status",
            "source_type",
            "source_id",
            "completed_at",
        ),
        "commitment_participants": ("id", "commitment_id", "entity_id", "response_status"),
        "calendar_events": (
            "id",
            "source",
            "uid",
            "recurrence_id",
            "commitment_id",
            "sequence",
            "content_hash",
            "description",
            "location",
            "meeting_url",
            "recurrence_rule",
            "organizer_email",
            "event_status",
            "all_day",
            "updated_at",
            "source_file",
        ),
    },
    api_factory=CalendarAPI,
    migrations=files(__name__) / "migrations",
    cli=register_commands,
)
