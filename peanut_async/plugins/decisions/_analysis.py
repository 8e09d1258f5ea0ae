"""Pattern analysis and success rate of one decision type over a window of days, in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._model import ContextCount, OutcomeCounts, PatternAnalysis

if TYPE_CHECKING:
    import sqlite3

    from ..._database import Database

# Number of most common emotional states and workload levels a PatternAnalysis lists.
TOP_CONTEXTS = 3

# One statement, so every part reads the same snapshot of the table. The window's rows
# are found through idx_decisions_type_created_at, and each JSON field is extracted
# once per row into the materialized CTE, which the four GROUP BY parts then scan.
# Times to decide are rounded to whole seconds per decision, because julianday
# differences carry floating-point error and stored instants are whole seconds.
_ANALYSIS_SQL = """
    WITH recent AS MATERIALIZED (
        SELECT json_extract(outcome, '$.rating') AS rating,
               json_extract(context, '$.emotional_state') AS state,
               json_extract(context, '$.workload_level') AS workload,
               round((julianday(decided_at) - julianday(created_at)) * 86400.0) AS seconds
        FROM decisions
        WHERE decision_type = :decision_type AND created_at >= datetime('now', :offset)
    )
    SELECT 'total' AS kind, NULL AS value, count(*) AS n, count(seconds) AS decided,
           avg(seconds) / 60.0 AS minutes
    FROM recent
    UNION ALL
    SELECT 'rating', rating, count(*), NULL, NULL
    FROM recent WHERE rating IS NOT NULL GROUP BY rating
    UNION ALL
    SELECT * FROM (
        SELECT 'emotional_state', state, count(*) AS n, NULL, NULL
        FROM recent WHERE state IS NOT NULL
        GROUP BY state ORDER BY n DESC, state LIMIT :top
    )
    UNION ALL
    SELECT * FROM (
        SELECT 'workload_level', workload, count(*) AS n, NULL, NULL
        FROM recent WHERE workload IS NOT NULL
        GROUP BY workload ORDER BY n DESC, workload LIMIT :top
    )
"""

_SUCCESS_SQL = """
    SELECT count(*) AS rated,
           coalesce(sum(json_extract(outcome, '$.rating') = 'positive'), 0) AS positive
    FROM decisions
    WHERE decision_type = :decision_type AND created_at >= datetime('now', :offset)
      AND outcome IS NOT NULL
"""


def window_offset(window_days: int) -> str:
    """Return the datetime() modifier reaching ``window_days`` days back."""
    return f"-{window_days} days"


async def analyze_patterns(db: Database, decision_type: str, window_days: int) -> PatternAnalysis:
    """Summarise the decisions of ``decision_type`` created in the last ``window_days``."""
    params = {
        "decision_type": decision_type,
        "offset": window_offset(window_days),
        "top": TOP_CONTEXTS,
    }
    rows = await db.fetch_all(_ANALYSIS_SQL, params)
    return _analysis_from_rows(decision_type, window_days, rows)


def _analysis_from_rows(
    decision_type: str, window_days: int, rows: list[sqlite3.Row]
) -> PatternAnalysis:
    total = next(row for row in rows if row["kind"] == "total")
    ratings = {row["value"]: row["n"] for row in rows if row["kind"] == "rating"}
    states = tuple(
        ContextCount(row["value"], row["n"]) for row in rows if row["kind"] == "emotional_state"
    )
    workloads = tuple(
        ContextCount(row["value"], row["n"]) for row in rows if row["kind"] == "workload_level"
    )
    return PatternAnalysis(
        decision_type=decision_type,
        window_days=window_days,
        count=total["n"],
        decided_count=total["decided"],
        mean_minutes_to_decide=total["minutes"],
        outcomes=OutcomeCounts(
            positive=ratings.get("positive", 0),
            neutral=ratings.get("neutral", 0),
            negative=ratings.get("negative", 0),
        ),
        common_emotional_states=states,
        common_workload_levels=workloads,
    )


async def success_rate(db: Database, decision_type: str, window_days: int) -> float:
    """Return the share of positive outcomes among the window's decisions with an outcome."""
    params = {"decision_type": decision_type, "offset": window_offset(window_days)}
    row = await db.fetch_one(_SUCCESS_SQL, params)
    if row is None or row["rated"] == 0:
        return 0.0
    return float(row["positive"] / row["rated"])
