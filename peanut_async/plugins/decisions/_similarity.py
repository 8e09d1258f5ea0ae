"""Similar past decisions, scored in SQL, and the option suggested from them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._model import DecisionContext, DecisionOption, SimilarDecision, Suggestion
from ._rows import DECISION_COLUMNS, decision_from_row

if TYPE_CHECKING:
    from ..._database import Database

# NOTE: find_similar scores only this many of the type's most recent decisions with an
# outcome, so its cost does not grow with the history. An older decision is never
# returned, however well it matches.
MAX_CANDIDATES = 2000

# Points each shared feature adds to a similarity score.
ENTITY_POINTS = 2
FEATURE_POINTS = 1

# suggest_option looks at this many similar decisions and needs MIN_SIMILAR of them,
# and an option needs MIN_DATA_POINTS past choices of its label to be suggested.
SUGGESTION_SAMPLE = 20
MIN_SIMILAR = 3
MIN_DATA_POINTS = 2

# z for a 95% confidence level, used by the Wilson score interval.
_Z_95 = 1.959963984540054


def _score_sql(context: DecisionContext) -> tuple[str, list[Any]]:
    """Build the score expression over a candidate's ``context`` and its parameters.

    Only features set in ``context`` contribute, so an unset workload does not match
    every stored decision without one. Returns ``("", [])`` when no feature is set.
    """
    terms: list[str] = []
    params: list[Any] = []
    if context.entity_ids:
        marks = ", ".join("?" * len(context.entity_ids))
        # Exact comparison of each array element: an id containing the requested text
        # does not match. Stored lists have no duplicates (DecisionContext removes them).
        terms.append(
            f"{ENTITY_POINTS} * (SELECT count(*) FROM json_each(context, '$.entity_ids') "
            f"WHERE value IN ({marks}))"
        )
        params.extend(context.entity_ids)
    for path, value in (
        ("$.workload_level", context.workload_level),
        ("$.emotional_state", context.emotional_state),
        ("$.source_type", context.source_type),
    ):
        if value is not None:
            terms.append(f"{FEATURE_POINTS} * (json_extract(context, '{path}') IS ?)")
            params.append(value)
    return " + ".join(terms), params


async def find_similar(
    db: Database,
    decision_type: str,
    context: DecisionContext,
    limit: int,
    max_candidates: int = MAX_CANDIDATES,
    *,
    exclude_id: str | None = None,
) -> list[SimilarDecision]:
    """Return the best-scoring decisions with an outcome of ``decision_type``, best first.

    The score is 2 points per shared entity id plus 1 point each for the same workload
    level, emotional state and source type. Decisions scoring 0 are left out, and equal
    scores are ordered newest first. Only the ``max_candidates`` most recent decisions
    of the type with an outcome are scored. The decision ``exclude_id`` is never one of
    them.
    """
    score, score_params = _score_sql(context)
    if not score:
        return []
    # The candidate subquery has a LIMIT, so SQLite materializes it instead of merging it
    # into the outer query: each candidate's score is computed once, and the outer query
    # only filters and orders the scores. "outcome IS NOT NULL" lets the subquery read
    # the candidates from idx_decisions_type_rated_created_at, a partial index.
    sql = f"""
        SELECT {DECISION_COLUMNS}, s.score AS score
        FROM (
            SELECT rowid AS row_id, created_at, {score} AS score
            FROM decisions
            WHERE decision_type = ? AND outcome IS NOT NULL AND id IS NOT ?
            ORDER BY created_at DESC, rowid DESC
            LIMIT ?
        ) AS s
        JOIN decisions AS d ON d.rowid = s.row_id
        WHERE s.score > 0
        ORDER BY s.score DESC, s.created_at DESC, s.row_id DESC
        LIMIT ?
    """
    params = [*score_params, decision_type, exclude_id, max_candidates, limit]
    rows = await db.fetch_all(sql, params)
    return [SimilarDecision(decision_from_row(row), row["score"]) for row in rows]


def wilson_lower_bound(positives: int, total: int) -> float:
    """Return the lower bound of the 95% Wilson score interval of ``positives / total``.

    It is 0 when ``total`` is 0, and it grows towards the observed share as ``total``
    grows: 2 of 2 gives 0.342, 10 of 10 gives 0.722.
    """
    if total == 0:
        return 0.0
    share = positives / total
    z2 = _Z_95 * _Z_95
    centre = share + z2 / (2 * total)
    margin = _Z_95 * math.sqrt(share * (1 - share) / total + z2 / (4 * total * total))
    return max(0.0, (centre - margin) / (1 + z2 / total))


def suggest_from_similar(
    options: Sequence[DecisionOption], similar: Sequence[SimilarDecision]
) -> Suggestion:
    """Pick the option whose label had the highest share of positive outcomes.

    A past decision is a data point for an option when its chosen option has the same
    label, compared case-insensitively. Ties go to more data points, then to the
    earlier option in ``options``.
    """
    if len(similar) < MIN_SIMILAR:
        return Suggestion(
            option=None,
            confidence=0.0,
            reasoning=(
                f"found {len(similar)} similar past decision(s) with an outcome, "
                f"but at least {MIN_SIMILAR} are needed"
            ),
            similar_count=len(similar),
        )
    tallies = _tally_by_label(similar)
    best: tuple[float, int, int, DecisionOption] | None = None
    for option in options:
        positives, total = tallies.get(_label_key(option.label), (0, 0))
        if total < MIN_DATA_POINTS:
            continue
        candidate = (positives / total, total, positives, option)
        # Strictly greater, so an equal option later in the list does not replace it.
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return _suggestion(best, len(similar))


def _suggestion(
    best: tuple[float, int, int, DecisionOption] | None, similar_count: int
) -> Suggestion:
    if best is None:
        return Suggestion(
            option=None,
            confidence=0.0,
            reasoning=(
                f"no option was chosen in at least {MIN_DATA_POINTS} of the "
                f"{similar_count} similar past decisions"
            ),
            similar_count=similar_count,
        )
    share, total, positives, option = best
    if positives == 0:
        return Suggestion(
            option=None,
            confidence=0.0,
            reasoning="no option chosen in similar past decisions had a positive outcome",
            similar_count=similar_count,
        )
    return Suggestion(
        option=option,
        confidence=wilson_lower_bound(positives, total),
        reasoning=(
            f"{option.label!r} was chosen in {total} of {similar_count} similar past "
            f"decisions and {positives} of them ({share:.0%}) had a positive outcome"
        ),
        similar_count=similar_count,
        data_points=total,
        positive_count=positives,
    )


def _tally_by_label(similar: Sequence[SimilarDecision]) -> dict[str, tuple[int, int]]:
    """Count (positive outcomes, data points) per chosen label."""
    tallies: dict[str, tuple[int, int]] = {}
    for match in similar:
        chosen = match.decision.chosen_option
        outcome = match.decision.outcome
        if chosen is None or outcome is None:
            continue
        key = _label_key(chosen.label)
        positives, total = tallies.get(key, (0, 0))
        tallies[key] = (positives + (outcome.rating == "positive"), total + 1)
    return tallies


def _label_key(label: str) -> str:
    return label.strip().casefold()
