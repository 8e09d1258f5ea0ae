"""The values plugin's API object, :class:`ValuesAPI`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from ..._errors import NotFoundError, ValidationError
from ..._time import utc_now
from ..._validation import check_text
from . import _store
from ._alignment import assess_alignment
from ._extraction import extract_values
from ._keywords import KNOWN_CONFLICTS
from ._model import (
    Alignment,
    DetectedConflict,
    ExtractionResult,
    UserValue,
    ValueConflict,
    ValueEvidence,
    check_category,
    check_limit,
    check_name,
    check_optional_text,
)
from ._summary import summarize

if TYPE_CHECKING:
    from ..._database import Database

Pair = tuple[str, str]

# Values stronger than this, on both sides of a known pair, make a detected conflict.
CONFLICT_STRENGTH_THRESHOLD = 0.5

_ORDER = "ORDER BY strength DESC, name"


class ValuesAPI:
    """The user's values bound to one :class:`~peanut_async.Database`.

    ``conflict_pairs`` is the table of value pairs that :meth:`detect_conflicts`
    examines, ``KNOWN_CONFLICTS`` by default. Assign a longer tuple to extend it for
    this database object, for example
    ``api.conflict_pairs = (*api.conflict_pairs, ("family", "work_dedication"))``.
    """

    def __init__(self, db: Database, *, conflict_pairs: Iterable[Pair] = KNOWN_CONFLICTS) -> None:
        self._db = db
        self.conflict_pairs: tuple[Pair, ...] = tuple(conflict_pairs)

    # Values -------------------------------------------------------------------------

    async def upsert_value(
        self,
        name: str,
        category: str,
        evidence: ValueEvidence,
        *,
        statement: str | None = None,
    ) -> UserValue:
        """Create value ``name`` from ``evidence``, or apply ``evidence`` to it.

        The strength rules are in ``_store.py``: a new value starts at 0.5 (0.3 when the
        evidence contradicts it), then gains 0.05 per reinforcing and loses 0.03 per
        contradicting item, within 0..1. The newest 20 evidence items are kept.
        ``last_reinforced`` moves only on reinforcing evidence. ``category`` replaces
        the stored category. ``statement`` replaces the stored one when given. A new
        value without one gets the statement of ``KNOWN_VALUES`` or its name as words.
        The update is one SQL statement, so concurrent upserts lose nothing.

        Raises :class:`ValidationError` for a name that is not lowercase snake_case, an
        unknown category, an evidence object that is not a :class:`ValueEvidence`, or
        an empty statement. Nothing is written then.
        """
        check_name("name", name)
        check_category(category)
        if not isinstance(evidence, ValueEvidence):
            raise ValidationError("evidence", evidence, "a ValueEvidence")
        check_optional_text("statement", statement)

        return await self._db.run_sync(_store.upsert_value, name, category, evidence, statement)

    async def get_value(self, name: str) -> UserValue:
        """Return value ``name``, or raise :class:`NotFoundError` if it is not stored."""
        check_name("name", name)
        row = await self._db.fetch_one("SELECT * FROM user_values WHERE name = ?", (name,))
        if row is None:
            raise NotFoundError("value", name)
        return _store.row_to_value(row)

    async def list_values(self) -> list[UserValue]:
        """Return every value, strongest first (ties by name)."""
        rows = await self._db.fetch_all(f"SELECT * FROM user_values {_ORDER}")
        return [_store.row_to_value(row) for row in rows]

    async def top_values(self, limit: int = 5) -> list[UserValue]:
        """Return the ``limit`` strongest values, strongest first (ties by name)."""
        check_limit(limit)
        rows = await self._db.fetch_all(f"SELECT * FROM user_values {_ORDER} LIMIT ?", (limit,))
        return [_store.row_to_value(row) for row in rows]

    async def values_by_category(self, category: str) -> list[UserValue]:
        """Return the values of ``category``, strongest first (ties by name)."""
        check_category(category)
        rows = await self._db.fetch_all(
            f"SELECT * FROM user_values WHERE category = ? {_ORDER}", (category,)
        )
        return [_store.row_to_value(row) for row in rows]

    # Conflicts ----------------------------------------------------------------------

    async def record_conflict(
        self,
        value1: str,
        value2: str,
        context: str | None = None,
        *,
        occurred_at: datetime | None = None,
    ) -> ValueConflict:
        """Count one occurrence of a conflict between two values and return its row.

        The pair is unordered and stored sorted, so ``("b", "a")`` counts on the row of
        ``("a", "b")``. The count is incremented in one SQL upsert, so concurrent calls
        each count once. ``context`` describes this occurrence and becomes
        ``last_context`` unless it is None. ``occurred_at`` defaults to now.

        Raises :class:`ValidationError` for a name that is not lowercase snake_case, a
        value conflicting with itself, an empty context or a naive ``occurred_at``.
        """
        first, second = _check_pair(value1, value2)
        check_optional_text("context", context)
        when = utc_now() if occurred_at is None else occurred_at
        if not isinstance(when, datetime) or when.utcoffset() is None:
            raise ValidationError("occurred_at", occurred_at, "an aware datetime (with tzinfo)")

        return await self._db.run_sync(_store.record_conflict, first, second, when, context)

    async def list_conflicts(self) -> list[ValueConflict]:
        """Return every recorded conflict, most frequent first (ties by pair)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM value_conflicts "
            "ORDER BY occurrence_count DESC, value1_name, value2_name"
        )
        return [_store.row_to_conflict(row) for row in rows]

    async def detect_conflicts(self, extra_pairs: Iterable[Pair] = ()) -> list[DetectedConflict]:
        """Return the known conflicting pairs whose two values are both stronger than 0.5.

        The pairs examined are ``conflict_pairs`` followed by ``extra_pairs``. Results
        keep that order, and each pair is sorted by name. Each result carries the recorded
        occurrence count and last occurrence, or 0 and None if none was recorded.
        A value of exactly 0.5 is not stronger than 0.5.

        Raises :class:`ValidationError` for a pair of invalid or identical names.
        """
        pairs = _unique_pairs([*self.conflict_pairs, *extra_pairs])
        names = json.dumps(sorted({name for pair in pairs for name in pair}))
        strengths = await self._strengths(names)
        recorded = await self._recorded_conflicts(names)

        detected: list[DetectedConflict] = []
        for first, second in pairs:
            strength1 = strengths.get(first, 0.0)
            strength2 = strengths.get(second, 0.0)
            if min(strength1, strength2) <= CONFLICT_STRENGTH_THRESHOLD:
                continue
            count, last = recorded.get((first, second), (0, None))
            detected.append(DetectedConflict(first, second, strength1, strength2, count, last))
        return detected

    async def _strengths(self, names_json: str) -> dict[str, float]:
        rows = await self._db.fetch_all(
            "SELECT name, strength FROM user_values "
            "WHERE name IN (SELECT value FROM json_each(?))",
            (names_json,),
        )
        return {row["name"]: row["strength"] for row in rows}

    async def _recorded_conflicts(self, names_json: str) -> dict[Pair, tuple[int, datetime]]:
        rows = await self._db.fetch_all(
            "SELECT value1_name, value2_name, occurrence_count, last_occurred "
            "FROM value_conflicts WHERE value1_name IN (SELECT value FROM json_each(?))",
            (names_json,),
        )
        return {
            (row["value1_name"], row["value2_name"]): (
                row["occurrence_count"],
                _store.to_instant(row["last_occurred"]),
            )
            for row in rows
        }

    # Alignment, extraction, summary -------------------------------------------------

    async def check_alignment(
        self, action: str, *, is_urgent: bool = False, limit: int = 5
    ) -> Alignment:
        """Judge how ``action`` fits the user's ``limit`` strongest values.

        A value supports or conflicts with the action when one of its keywords in
        ``_keywords.py`` occurs in ``action``. With ``is_urgent``, conflicts with
        values in the time category are excused and left out. The action is aligned
        when nothing conflicts or the supported strength exceeds the conflicting
        strength, and it gets a recommendation exactly when it is not aligned.

        Raises :class:`ValidationError` for an empty action or a limit below 1.
        """
        check_text("action", action)
        if not isinstance(is_urgent, bool):
            raise ValidationError("is_urgent", is_urgent, "True or False")
        values = await self.top_values(limit)
        return assess_alignment(values, action, is_urgent=is_urgent)

    async def run_extraction(self) -> ExtractionResult:
        """Derive values from decisions with outcomes and finished commitments.

        The signal rules are data in ``_keywords.py``. A value is created or updated
        once the history contains at least 3 signals for it. Each decision or commitment
        counts once per value however often this runs. Everything is written in one
        transaction.
        """
        async with self._db.transaction():
            return await self._db.run_sync(extract_values)

    async def summary_for_llm(self, limit: int = 5) -> str:
        """Return one line per top value, such as ``- values health (0.65): <statement>``.

        Above 0.8 reads "strongly values", above 0.6 "values", above 0.4 "somewhat
        values", and lower "slightly values". With no values stored it returns
        "No values have been recorded for the user yet."
        """
        return summarize(await self.top_values(limit))


def _check_pair(value1: object, value2: object) -> Pair:
    first = check_name("value1", value1)
    second = check_name("value2", value2)
    if first == second:
        raise ValidationError("value2", value2, f"a value other than value1 ({value1!r})")
    return (first, second) if first < second else (second, first)


def _unique_pairs(pairs: Iterable[object]) -> list[Pair]:
    unique: list[Pair] = []
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise ValidationError("pair", pair, "a tuple of two value names")
        checked = _check_pair(*pair)
        if checked not in unique:
            unique.append(checked)
    return unique
