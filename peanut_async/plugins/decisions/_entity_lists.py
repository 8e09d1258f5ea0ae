"""Decisions whose context lists one entity id, found through ``decision_entities``.

The plugin's migration creates ``decision_entities`` with one row per (entity id,
decision), and its triggers keep the rows in step with ``decisions.context``. Reading
an entity's rows there costs little when the entity is in few decisions, and nothing
when it is in none. An entity in a large share of the decisions has thousands of
rows, all of which that query joins and sorts, although a newest-first scan of
``decisions`` finds ``limit`` of them within a few dozen rows. So a call with a limit
first checks the newest :data:`PROBE_ROWS` decisions, and reads the entity's rows
only when fewer than ``limit`` of those match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ._rows import DECISION_COLUMNS

if TYPE_CHECKING:
    import sqlite3

    from ..._database import Database

# Number of newest decisions checked before the entity's own rows are read. The check
# reads each of them and looks up one decision_entities key.
PROBE_ROWS = 1000


def newest_first(alias: str) -> str:
    """Return the ORDER BY terms of every list: newest first, then the later insert."""
    return f"{alias}.created_at DESC, {alias}.rowid DESC"


@attrs.frozen
class DecisionFilters:
    """The filters of a decision list other than the entity id."""

    decision_type: str | None = None
    only_with_outcome: bool = False

    def conditions(self, alias: str) -> tuple[list[str], list[Any]]:
        """Return the filters as SQL conditions on table ``alias`` and their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        if self.decision_type is not None:
            conditions.append(f"{alias}.decision_type = ?")
            params.append(self.decision_type)
        if self.only_with_outcome:
            conditions.append(f"{alias}.outcome IS NOT NULL")
        return conditions, params

    def where(self, alias: str) -> tuple[str, list[Any]]:
        """Return the filters as a WHERE clause (empty without filters) and its parameters."""
        conditions, params = self.conditions(alias)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return where, params


async def list_for_entity(
    db: Database, entity_id: str, filters: DecisionFilters, limit: int | None
) -> list[sqlite3.Row]:
    """Return the rows of the decisions matching ``filters`` that list ``entity_id``.

    The rows are newest first, at most ``limit`` of them (None for all), selected with
    :data:`~._rows.DECISION_COLUMNS`.
    """
    if limit is not None and limit <= PROBE_ROWS:
        rows = await _newest_for_entity(db, entity_id, filters, limit)
        # Every match outside the probed window is older than all of it, so `limit`
        # matches inside the window are the newest `limit` matches.
        if len(rows) == limit:
            return rows
    return await _all_for_entity(db, entity_id, filters, limit)


async def _newest_for_entity(
    db: Database, entity_id: str, filters: DecisionFilters, limit: int
) -> list[sqlite3.Row]:
    where, params = filters.where("r")
    # The subquery has a LIMIT, so SQLite cannot merge it into the outer query: it stops
    # after PROBE_ROWS decisions, however rare the entity is.
    sql = f"""
        SELECT {DECISION_COLUMNS}
        FROM (
            SELECT r.rowid AS row_id FROM decisions AS r {where}
            ORDER BY {newest_first("r")} LIMIT ?
        ) AS recent
        CROSS JOIN decisions AS d ON d.rowid = recent.row_id
        WHERE EXISTS (
            SELECT 1 FROM decision_entities AS de
            WHERE de.entity_id = ? AND de.decision_id = d.id
        )
        ORDER BY {newest_first("d")} LIMIT ?
    """
    return await db.fetch_all(sql, [*params, PROBE_ROWS, entity_id, limit])


async def _all_for_entity(
    db: Database, entity_id: str, filters: DecisionFilters, limit: int | None
) -> list[sqlite3.Row]:
    conditions, params = filters.conditions("d")
    where = " AND ".join(["de.entity_id = ?", *conditions])
    # CROSS JOIN keeps decision_entities the outer loop, so only the entity's rows are
    # read. Without it the planner may scan decisions newest first instead, which
    # reads every decision when the entity has fewer matches than the limit.
    sql = f"""
        SELECT {DECISION_COLUMNS}
        FROM decision_entities AS de
        CROSS JOIN decisions AS d ON d.id = de.decision_id
        WHERE {where}
        ORDER BY {newest_first("d")} LIMIT ?
    """
    # A negative LIMIT means no limit in SQLite.
    return await db.fetch_all(sql, [entity_id, *params, -1 if limit is None else limit])
