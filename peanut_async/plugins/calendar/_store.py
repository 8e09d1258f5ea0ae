"""Store a batch of calendar events as meetings, participants and people.

:func:`ingest_batch` runs in the connection's worker thread inside the caller's write
transaction. It converts every event in Python first, reads what is stored for the
whole batch with a few chunked queries, then writes each table with one
``executemany``. A bulk statement can fail on one event's data, such as a constraint or
a value SQLite rejects. :func:`ingest_batch` then raises :class:`BulkWriteError`, the
caller rolls the transaction back, and :func:`ingest_batch` runs again in a new one with
``one_at_a_time=True``. Each event is then written in its own savepoint, so the bad
event is reported and the others are kept.

The bulk pass opens no savepoint of its own because a savepoint makes SQLite copy every
page it changes into a sub-journal. That cost about 8 % of a 10,000-event batch on a
2-core test machine.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import attrs

from ._model import CalendarEvent
from ._store_origin import Replaced, is_other_file, replaced_warnings
from ._store_people import resolve_people
from ._store_report import EventOutcome, ImportIssue, ImportReport, Outcome
from ._store_rows import Identity, PreparedEvent, prepare_events
from ._store_write import StoredEvent, Written, cancel_stored, insert_new, update_changed

log = logging.getLogger(__name__)

# An identity takes three bound parameters, so a chunk uses 900: below the 999 that
# SQLite builds older than 3.32 allow.
_IDENTITY_CHUNK = 300

# Errors caused by one event's data. Anything else (a full disk, a lock timeout, an
# I/O error) concerns the whole batch and propagates, so the transaction rolls back.
_EVENT_ERRORS = (sqlite3.IntegrityError, sqlite3.DataError)


@attrs.define
class BatchResult:
    """The outcome of :func:`ingest_batch`, before it becomes an :class:`ImportReport`."""

    outcomes: dict[Identity, EventOutcome] = attrs.Factory(dict)
    counts: dict[Outcome, int] = attrs.Factory(dict)
    errors: list[ImportIssue] = attrs.Factory(list)
    warnings: list[ImportIssue] = attrs.Factory(list)
    # The exception behind each entry of ``errors``, in the same order.
    failures: list[Exception] = attrs.Factory(list)

    def count(self, outcome: Outcome) -> None:
        """Add one event to the count of ``outcome``."""
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def to_report(self, files: Sequence[str] = ()) -> ImportReport:
        """Return the counts, errors and warnings as an :class:`ImportReport`."""
        return ImportReport(
            created=self.counts.get("created", 0),
            updated=self.counts.get("updated", 0),
            unchanged=self.counts.get("unchanged", 0),
            cancelled=self.counts.get("cancelled", 0),
            stale=self.counts.get("stale", 0),
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
            files=tuple(files),
        )


class BulkWriteError(Exception):
    """A bulk statement failed on one event's data, so the batch must be retried one at a time.

    Never reaches library users: the calendar API catches it.
    """


def ingest_batch(
    conn: sqlite3.Connection,
    events: Iterable[CalendarEvent],
    file: str | None = None,
    *,
    source_file: str | None = None,
    one_at_a_time: bool = False,
) -> BatchResult:
    """Store ``events`` and return what happened to each, as the module docstring describes.

    Call inside a write transaction. ``file`` labels errors and warnings. ``source_file``
    is stored with each written event; when it replaces an event stored from another
    file, the result has a warning. Raises :class:`BulkWriteError`, with the transaction
    half written, when a bulk statement fails on one event's data and ``one_at_a_time``
    is false.
    """
    with _collector_paused():
        return _ingest_batch(
            conn, events, file, source_file=source_file, one_at_a_time=one_at_a_time
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A batch allocates a few container objects per event and frees none of them
    # before it ends, so the cyclic garbage collector's passes over them find nothing.
    # They cost about 8 % of a 10,000-event batch on a 2-core test machine. Reference
    # counting still frees everything, and the collector resumes afterwards unless it
    # was off.
    # NOTE: the collector is process-wide, so other threads see it paused too.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ingest_batch(
    conn: sqlite3.Connection,
    events: Iterable[CalendarEvent],
    file: str | None,
    *,
    source_file: str | None,
    one_at_a_time: bool,
) -> BatchResult:
    result = BatchResult()
    prepared, duplicates, rejected, warnings = prepare_events(events, file)
    for issue, error in rejected:
        result.errors.append(issue)
        result.failures.append(error)
    result.warnings.extend(warnings)

    replaced: list[Replaced] = []
    if one_at_a_time:
        written = _write_one_at_a_time(
            conn, prepared, file=file, source_file=source_file, result=result, replaced=replaced
        )
    else:
        try:
            written = _write(conn, prepared, source_file, replaced)
        except _EVENT_ERRORS as error:
            raise BulkWriteError(f"bulk write of {len(prepared)} events failed") from error

    for event, outcome, commitment_id in written:
        result.outcomes[event.identity] = EventOutcome(commitment_id, outcome)
        result.count(outcome)
    for _duplicate in duplicates:
        result.count("stale")
    result.warnings.extend(replaced_warnings(file, source_file, replaced))
    return result


def lookup_events(
    conn: sqlite3.Connection, identities: Sequence[Identity]
) -> dict[Identity, StoredEvent]:
    """Return the stored event of each identity that is stored."""
    stored: dict[Identity, StoredEvent] = {}
    for offset in range(0, len(identities), _IDENTITY_CHUNK):
        chunk = identities[offset : offset + _IDENTITY_CHUNK]
        # A join against a VALUES list uses the UNIQUE (source, uid, recurrence_id)
        # index. A row-value IN list would scan the table (SQLite 3.40).
        values = ",".join(["(?, ?, ?)"] * len(chunk))
        rows = conn.execute(
            "SELECT e.source, e.uid, e.recurrence_id, e.id, e.commitment_id, e.sequence, "
            f"e.content_hash, e.event_status, e.source_file FROM (VALUES {values}) AS k "
            "JOIN calendar_events AS e ON e.source = k.column1 AND e.uid = k.column2 "
            "AND e.recurrence_id = k.column3",
            [part for identity in chunk for part in identity],
        )
        for source, uid, recurrence_id, *fields in rows:
            stored[(source, uid, recurrence_id)] = StoredEvent(*fields)
    return stored


def _write_one_at_a_time(
    conn: sqlite3.Connection,
    events: Sequence[PreparedEvent],
    *,
    file: str | None,
    source_file: str | None,
    result: BatchResult,
    replaced: list[Replaced],
) -> Written:
    written: Written = []
    for event in events:
        conn.execute("SAVEPOINT calendar_event")
        replaced_here: list[Replaced] = []
        try:
            written.extend(_write(conn, [event], source_file, replaced_here))
        except _EVENT_ERRORS as error:
            conn.execute("ROLLBACK TO calendar_event")
            conn.execute("RELEASE calendar_event")
            log.warning("the database rejected one calendar event: %s", type(error).__name__)
            reason = f"the database rejected the event: {error}"
            result.errors.append(ImportIssue(file, event.event_id, reason))
            result.failures.append(error)
            continue
        conn.execute("RELEASE calendar_event")
        replaced.extend(replaced_here)
    return written


def _write(
    conn: sqlite3.Connection,
    events: Sequence[PreparedEvent],
    source_file: str | None,
    replaced: list[Replaced],
) -> Written:
    """Write ``events``; add each stored event that came from another file to ``replaced``."""
    stored = lookup_events(conn, [event.identity for event in events])
    written: Written = []
    new: list[PreparedEvent] = []
    changed: list[tuple[PreparedEvent, StoredEvent]] = []
    cancelled: list[tuple[PreparedEvent, StoredEvent]] = []
    for event in events:
        known = stored.get(event.identity)
        if known is None:
            new.append(event)
        elif event.sequence < known.sequence:
            written.append((event, "stale", known.commitment_id))
        elif event.content_hash == known.content_hash:
            written.append((event, "unchanged", known.commitment_id))
        elif event.event_status == "cancelled":
            cancelled.append((event, known))
        else:
            changed.append((event, known))
    replaced.extend(
        (event, known.source_file)
        for event, known in (*cancelled, *changed)
        if is_other_file(known.source_file, source_file)
    )
    written.extend(cancel_stored(conn, cancelled, source_file))
    if not new and not changed:
        return written

    people = resolve_people(conn, _names([*new, *(event for event, _known in changed)]))
    written.extend(insert_new(conn, new, people, source_file))
    written.extend(update_changed(conn, changed, people, source_file))
    return written


def _names(events: Iterable[PreparedEvent]) -> dict[str, list[str]]:
    # Every address of the batch, with its display names in order of appearance.
    names: dict[str, list[str]] = {}
    for event in events:
        if event.organizer_email is not None:
            _add_name(names, event.organizer_email, event.organizer_name)
        for email, name, _status in event.attendees:
            _add_name(names, email, name)
    return names


def _add_name(names: dict[str, list[str]], email: str, name: str | None) -> None:
    seen = names.get(email)
    if seen is None:
        names[email] = [name] if name else []
    elif name and name not in seen:
        seen.append(name)
