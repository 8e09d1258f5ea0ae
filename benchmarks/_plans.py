"""Query plans: how each statement reads each table (an index, a key, or a full scan)."""

from __future__ import annotations

import re
import sqlite3

import attrs

# "SEARCH d USING INDEX idx_x (a=?)", "SCAN decisions", "SEARCH t USING PRIMARY KEY (k=?)"
_ACCESS = re.compile(r"^(SCAN|SEARCH) (\S+)(?: USING (?:COVERING )?(.*?))?(?: \(.*\))?$")
_TABLE_REFERENCE = re.compile(
    r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?", re.IGNORECASE
)
_NOT_ALIASES = {"where", "join", "on", "order", "group", "limit", "left", "inner", "cross", "using"}


@attrs.frozen
class TableAccess:
    """One read of a stored table in a plan: through an index or key, or a full scan."""

    table: str
    index: str | None

    def describe(self) -> str:
        """Return ``table: index`` or ``table: FULL SCAN``."""
        return f"{self.table}: {self.index or 'FULL SCAN'}"


def query_plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    """Return the EXPLAIN QUERY PLAN of ``sql`` as indented lines."""
    rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    depth: dict[int, int] = {0: 0}
    lines = []
    for node_id, parent, _unused, detail in rows:
        depth[node_id] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node_id] + detail)
    return lines


def table_accesses(conn: sqlite3.Connection, sql: str, plan: list[str]) -> list[TableAccess]:
    """Return how the plan reads each stored table; subqueries and CTEs are left out."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    names = {table: table for table in tables}
    for table, alias in _TABLE_REFERENCE.findall(sql):
        if table in tables and alias and alias.lower() not in _NOT_ALIASES:
            names[alias] = table
    accesses = []
    for line in plan:
        match = _ACCESS.match(line.strip())
        if match is None or match.group(2) not in names:
            continue
        using = match.group(3)
        index = None
        if using and using.startswith("INTEGER PRIMARY KEY"):
            index = "rowid"
        elif using:
            index = using.removeprefix("INDEX ")
        accesses.append(TableAccess(names[match.group(2)], index))
    return accesses
