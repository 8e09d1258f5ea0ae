"""Collect the errors and warnings found while parsing one file."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ._model import CalendarEvent, EventIssue, ParsedCalendar

log = logging.getLogger(__name__)

NO_EVENTS = "no events found in the file"


class IssueLog:
    """The errors (events not imported) and warnings of one file, in the order found."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._errors: list[EventIssue] = []
        self._warnings: list[EventIssue] = []
        self._warned: set[str] = set()

    def error(self, event_id: str | None, reason: str) -> None:
        """Record that the event ``event_id`` was not imported, and why."""
        self._errors.append(EventIssue(self.file, event_id, reason))
        log.debug("%s: event %s not imported: %s", self.file, event_id, reason)

    def warning(self, event_id: str | None, reason: str) -> None:
        """Record data that was skipped or reinterpreted while the event was imported."""
        self._warnings.append(EventIssue(self.file, event_id, reason))
        log.debug("%s: event %s: %s", self.file, event_id, reason)

    def warning_once(self, key: str, event_id: str | None, reason: str) -> None:
        """Record a warning unless one with the same ``key`` was recorded for this file."""
        if key in self._warned:
            return
        self._warned.add(key)
        self.warning(event_id, reason)

    def result(self, events: Iterable[CalendarEvent]) -> ParsedCalendar:
        """Return the parsed events with every error and warning recorded so far."""
        return ParsedCalendar(tuple(events), tuple(self._errors), tuple(self._warnings))
