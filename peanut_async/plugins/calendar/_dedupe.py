"""Keep one copy of each (UID, recurrence id) when a file repeats an event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import attrs
from icalendar import Event

from ._issues import IssueLog

# What decides between two copies, in order: SEQUENCE, LAST-MODIFIED, DTSTAMP (as
# UTC text, "" when absent) and the position in the file (the later copy wins).
Rank = tuple[int, str, str, int]
_RANK_REASONS = (
    "a higher SEQUENCE",
    "a later LAST-MODIFIED",
    "a later DTSTAMP",
    "a later position in the file",
)


@attrs.frozen
class Candidate:
    """One VEVENT with the identity and rank it is deduplicated by."""

    component: Event
    uid: str
    key: str
    recurrence_id: datetime | date | None
    sequence: int
    rank: Rank
    cancelled: bool
    event_id: str


def keep_latest(candidates: Iterable[Candidate], issues: IssueLog) -> list[Candidate]:
    """Return one candidate per (UID, recurrence key), in order of first appearance.

    The copy with the highest SEQUENCE wins whatever the file order. On equal
    SEQUENCE the later LAST-MODIFIED wins, then the later DTSTAMP, then the copy
    that comes later in the file, as a later import of the same event would. Each
    ignored copy is reported as a warning.
    """
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.uid, candidate.key), []).append(candidate)
    winners = []
    for group in groups.values():
        winner = max(group, key=lambda candidate: candidate.rank)
        winners.append(winner)
        for loser in group:
            if loser is not winner:
                issues.warning(
                    winner.event_id,
                    f"the event appears {len(group)} times; kept the copy with SEQUENCE "
                    f"{winner.sequence} because it has {_reason(winner.rank, loser.rank)}, "
                    f"ignored a copy with SEQUENCE {loser.sequence}",
                )
    return winners


def _reason(winner: Rank, loser: Rank) -> str:
    for index, (first, second) in enumerate(zip(winner, loser, strict=True)):
        if first != second:
            return _RANK_REASONS[index]
    return _RANK_REASONS[-1]
