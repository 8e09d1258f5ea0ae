"""Reports of an ingest or import: counts per outcome, rejected events and warnings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

Outcome = Literal["created", "updated", "unchanged", "cancelled", "stale"]


@attrs.frozen
class ImportIssue:
    """A rejected event or file (in ``errors``) or a warning about one.

    ``file`` is None for events given directly to ``ingest_events``, and ``event_id``
    is None when the issue concerns a whole file or the event has no id.
    """

    file: str | None
    event_id: str | None
    reason: str

    def describe(self) -> str:
        """Return the issue on one line: file, event id, reason."""
        where = [part for part in (self.file, self.event_id and f"event {self.event_id}") if part]
        return f"{': '.join(where)}: {self.reason}" if where else self.reason

    def to_dict(self) -> dict[str, Any]:
        """Return the issue as a JSON-ready mapping."""
        return {"file": self.file, "event_id": self.event_id, "reason": self.reason}


@attrs.frozen
class EventOutcome:
    """The result of ingesting one event: its meeting commitment and what changed."""

    commitment_id: str
    outcome: Outcome


@attrs.frozen
class ImportReport:
    """Counts of events per outcome of an ingest or import, with every rejection and warning.

    Each event that was not rejected counts once, under one of these outcomes:

    - ``created``: a new meeting.
    - ``updated``: stored rows changed.
    - ``unchanged``: identical to what is stored.
    - ``cancelled``: a new meeting stored as cancelled, or a stored one now cancelled.
    - ``stale``: ignored, because a higher SEQUENCE of the same event is stored or
      comes in the same batch.

    Rejected events are in ``errors`` and are not counted.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    stale: int = 0
    errors: tuple[ImportIssue, ...] = ()
    warnings: tuple[ImportIssue, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """The number of events written or found unchanged, rejected ones excluded."""
        return self.created + self.updated + self.unchanged + self.cancelled + self.stale

    @property
    def is_complete(self) -> bool:
        """Tell whether nothing was rejected."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready mapping."""
        return {
            "files": list(self.files),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "cancelled": self.cancelled,
            "stale": self.stale,
            "errors": [issue.to_dict() for issue in self.errors],
            "warnings": [issue.to_dict() for issue in self.warnings],
        }


def combine_reports(reports: Iterable[ImportReport]) -> ImportReport:
    """Add up several reports, for example one per imported file."""
    reports = list(reports)
    return ImportReport(
        created=sum(report.created for report in reports),
        updated=sum(report.updated for report in reports),
        unchanged=sum(report.unchanged for report in reports),
        cancelled=sum(report.cancelled for report in reports),
        stale=sum(report.stale for report in reports),
        errors=tuple(issue for report in reports for issue in report.errors),
        warnings=tuple(issue for report in reports for issue in report.warnings),
        files=tuple(file for report in reports for file in report.files),
    )
