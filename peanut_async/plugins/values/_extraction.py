"""Value extraction from the history of decisions and commitments.

:func:`extract_values` derives signals with the rules in ``_keywords.py``, then applies
every signal of each value that has at least ``MIN_SIGNALS`` of them, oldest first, as
evidence through the value upsert.

It is idempotent. Each applied signal is recorded in ``value_extraction_sources`` by
(value, evidence type, source id), and a signal already recorded there is not applied
again, so running extraction twice counts no decision or commitment twice. Because the
whole history is scanned on every run, a value below the threshold is created as soon
as the history reaches it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs

from ._keywords import (
    COMMITMENT_DESCRIPTION_VALUES,
    COMMITMENT_STATUS_SIGNALS,
    COMMITMENT_TYPE_VALUES,
    DECISION_RATING_SIGNALS,
    KNOWN_VALUES,
    MIN_SIGNALS,
)
from ._matching import find_keyword, match_value, support_keywords
from ._model import ExtractionResult, ValueEvidence
from ._store import to_instant, upsert_value

_DECISIONS_SQL = """
SELECT id, description, options, chosen_option_id,
       json_extract(outcome, '$.rating') AS rating,
       coalesce(decided_at, created_at) AS decided
FROM decisions
WHERE outcome IS NOT NULL AND chosen_option_id IS NOT NULL
"""

_COMMITMENTS_SQL = """
SELECT id, type, description, status, coalesce(completed_at, created_at) AS happened
FROM commitments
WHERE status IN (SELECT value FROM json_each(?))
"""


@attrs.frozen
class Signal:
    """One piece of evidence about one value, derived from one source row."""

    value_name: str
    evidence: ValueEvidence

    @property
    def key(self) -> tuple[str, str, str | None]:
        """The row of ``value_extraction_sources`` that records this signal."""
        return (self.value_name, self.evidence.type, self.evidence.source_id)


def extract_values(conn: sqlite3.Connection) -> ExtractionResult:
    """Apply the new signals of every value seen at least ``MIN_SIGNALS`` times.

    Run it inside one transaction, so a failure applies nothing.
    """
    signals = {signal.key: signal for signal in _all_signals(conn)}
    counts = Counter(name for name, _type, _source in signals)
    applied = _applied_keys(conn)
    pending = sorted(
        (
            signal
            for key, signal in signals.items()
            if counts[signal.value_name] >= MIN_SIGNALS and key not in applied
        ),
        key=lambda signal: (signal.evidence.timestamp, signal.evidence.source_id or ""),
    )

    categories = _stored_categories(conn)
    created: set[str] = set()
    for signal in pending:
        name = signal.value_name
        known = KNOWN_VALUES[name]
        if name not in categories:
            created.add(name)
        upsert_value(conn, name, categories.get(name, known.category), signal.evidence, None)
        _record_applied(conn, signal)

    touched = {signal.value_name for signal in pending}
    return ExtractionResult(
        updated=tuple(sorted(touched - created)),
        created=tuple(sorted(created)),
        evidence_added=len(pending),
    )


def _all_signals(conn: sqlite3.Connection) -> Iterator[Signal]:
    for row in conn.execute(_DECISIONS_SQL):
        yield from _decision_signals(row)
    statuses = json.dumps(list(COMMITMENT_STATUS_SIGNALS))
    for row in conn.execute(_COMMITMENTS_SQL, (statuses,)):
        yield from _commitment_signals(row)


def _decision_signals(row: sqlite3.Row) -> Iterator[Signal]:
    reinforces = DECISION_RATING_SIGNALS.get(row["rating"])
    option = _chosen_option(row["options"], row["chosen_option_id"])
    if reinforces is None or option is None:
        return
    label = _text(option.get("label")) or row["chosen_option_id"]
    text = f"{label} {_text(option.get('description'))}"
    description = (
        f"Chose '{label}' in decision '{row['description']}', and the outcome was "
        f"{row['rating']}"
    )
    for name in KNOWN_VALUES:
        found = match_value(text, name)
        if found is not None and found[0] == "supports":
            evidence = ValueEvidence(
                type="decision",
                description=description,
                source_id=row["id"],
                timestamp=to_instant(row["decided"]),
                reinforces=reinforces,
            )
            yield Signal(name, evidence)


def _commitment_signals(row: sqlite3.Row) -> Iterator[Signal]:
    reinforces = COMMITMENT_STATUS_SIGNALS[row["status"]]
    names = [
        name
        for name in COMMITMENT_DESCRIPTION_VALUES
        if find_keyword(row["description"], support_keywords(name)) is not None
    ]
    type_value = COMMITMENT_TYPE_VALUES.get(row["type"])
    if type_value is not None:
        names.insert(0, type_value)
    for name in names:
        evidence = ValueEvidence(
            type="commitment",
            description=f"{row['status'].capitalize()} {row['type']}: {row['description']}",
            source_id=row["id"],
            timestamp=to_instant(row["happened"]),
            reinforces=reinforces,
        )
        yield Signal(name, evidence)


def _chosen_option(options_json: str, chosen_id: str) -> dict[str, Any] | None:
    # Option ids may be stored as JSON numbers, so they are compared as text.
    for option in json.loads(options_json):
        if isinstance(option, dict) and str(option.get("id")) == chosen_id:
            return option
    return None


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _applied_keys(conn: sqlite3.Connection) -> set[tuple[str, str, str | None]]:
    rows = conn.execute(
        "SELECT value_name, evidence_type, source_id FROM value_extraction_sources"
    )
    return {(row["value_name"], row["evidence_type"], row["source_id"]) for row in rows}


def _stored_categories(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute("SELECT name, category FROM user_values")
    return {row["name"]: row["category"] for row in rows}


def _record_applied(conn: sqlite3.Connection, signal: Signal) -> None:
    conn.execute(
        "INSERT INTO value_extraction_sources (value_name, evidence_type, source_id, reinforces)"
        " VALUES (?, ?, ?, ?)",
        (*signal.key, 1 if signal.evidence.reinforces else 0),
    )
