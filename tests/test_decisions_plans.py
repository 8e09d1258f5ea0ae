"""Query plans of the decisions plugin's reads: the indexes each statement goes through."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable

import pytest

from peanut_async import Database
from peanut_async.plugins.decisions import DecisionContext, DecisionOption, DecisionsAPI

Connector = Callable[..., Awaitable[Database]]

CONTEXT = DecisionContext(entity_ids=["ann"], workload_level="normal")
OPTIONS = (DecisionOption("opt1", "9am daily"), DecisionOption("opt2", "2pm Mon/Wed/Fri"))
RATED_INDEX = "USING INDEX idx_decisions_type_rated_created_at (decision_type=?)"
ENTITY_KEY = "SEARCH de USING PRIMARY KEY (entity_id=?)"


@pytest.fixture
async def db(peanut_connect: Connector) -> Database:
    return await peanut_connect(plugins=["decisions"])


@pytest.fixture
def api(db: Database) -> DecisionsAPI:
    return db.plugin("decisions", DecisionsAPI)


async def plans_of(db: Database, call: Callable[[], Awaitable[object]]) -> list[list[str]]:
    """Run ``call`` and return the query plan of each SELECT it ran, one line per step."""
    statements: list[str] = []

    def trace(sql: str) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(sql)

    await db.run_sync(lambda conn: conn.set_trace_callback(trace))
    try:
        await call()
    finally:
        await db.run_sync(lambda conn: conn.set_trace_callback(None))

    def explain(conn: sqlite3.Connection, sql: str) -> list[str]:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        return [row[3] for row in rows]

    return [await db.run_sync(explain, sql) for sql in statements]


# The names and aliases the plugin's SQL gives the decisions and decision_entities tables.
TABLES = {"decisions", "d", "r", "decision_entities", "de"}


def full_scans(plan: list[str]) -> list[str]:
    """Return the steps that read a whole stored table without an index.

    A SCAN of a subquery's result (``s``, ``recent``) reads rows the subquery already
    bounded, so it is not one.
    """
    return [
        step
        for step in plan
        if step.startswith("SCAN ") and step.split()[1] in TABLES and "INDEX" not in step
    ]


async def test_find_similar_reads_rated_index(api: DecisionsAPI, db: Database) -> None:
    [plan] = await plans_of(db, lambda: api.find_similar("scheduling", CONTEXT))

    assert any(RATED_INDEX in step for step in plan), plan
    assert full_scans(plan) == []


async def test_suggest_option_reads_rated_index(api: DecisionsAPI, db: Database) -> None:
    [plan] = await plans_of(db, lambda: api.suggest_option("scheduling", OPTIONS, CONTEXT))

    assert any(RATED_INDEX in step for step in plan), plan
    assert full_scans(plan) == []


async def test_record_choice_similarity_reads_rated_index(api: DecisionsAPI, db: Database) -> None:
    decision_id = await api.record_decision("scheduling", "standup", OPTIONS, CONTEXT)

    plans = await plans_of(db, lambda: api.record_choice(decision_id, "opt1"))

    assert any(RATED_INDEX in step for plan in plans for step in plan), plans


async def test_entity_list_reads_entity_rows(api: DecisionsAPI, db: Database) -> None:
    [plan] = await plans_of(db, lambda: api.list_by_type("scheduling", entity_id="ann"))

    assert plan[0] == ENTITY_KEY
    assert full_scans(plan) == []


async def test_list_for_entity_probe_then_entity_rows(api: DecisionsAPI, db: Database) -> None:
    # With no decisions the probe finds fewer than `limit`, so both statements run.
    probe, entity = await plans_of(db, lambda: api.list_for_entity("ann"))

    assert "SEARCH de USING PRIMARY KEY (entity_id=? AND decision_id=?)" in probe
    assert full_scans(probe) == []
    assert entity[0] == ENTITY_KEY
    assert full_scans(entity) == []
