"""The decision_entities table: its triggers, its backfill and the entity lists built on it."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import pytest

import peanut_async
from peanut_async import Database
from peanut_async.plugins.decisions import (
    PLUGIN,
    DecisionContext,
    DecisionOption,
    DecisionsAPI,
    _entity_lists,
)

Connector = Callable[..., Awaitable[Database]]

OPTIONS = (DecisionOption("opt1", "9am daily"), DecisionOption("opt2", "2pm Mon/Wed/Fri"))
INSERT = (
    "INSERT INTO decisions (id, decision_type, description, options, context, created_at) "
    "VALUES (?, ?, 'd', '[]', ?, ?)"
)


@pytest.fixture
async def db(peanut_connect: Connector) -> Database:
    return await peanut_connect(plugins=["decisions"])


@pytest.fixture
def api(db: Database) -> DecisionsAPI:
    return db.plugin("decisions", DecisionsAPI)


async def insert(
    db: Database,
    decision_id: str,
    context: object,
    *,
    decision_type: str = "scheduling",
    created_at: str = "2025-01-01 09:00:00",
) -> None:
    """Insert a decision row with raw SQL and a context given as a JSON-ready value."""
    await db.execute(INSERT, (decision_id, decision_type, json.dumps(context), created_at))


async def entity_rows(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetch_all(
        "SELECT entity_id, decision_id FROM decision_entities ORDER BY decision_id, entity_id"
    )
    return [(row["entity_id"], row["decision_id"]) for row in rows]


def ids(decisions: Sequence[object]) -> list[str]:
    return [decision.id for decision in decisions]  # type: ignore[attr-defined]


# The table and its triggers -------------------------------------------------------


async def test_decision_entities_declared_columns(db: Database) -> None:
    rows = await db.fetch_all("SELECT name FROM pragma_table_info('decision_entities')")

    assert [row["name"] for row in rows] == list(PLUGIN.tables["decision_entities"])


async def test_record_decision_fills_entity_rows(api: DecisionsAPI, db: Database) -> None:
    context = DecisionContext(entity_ids=["bob", "ann"])

    decision_id = await api.record_decision("scheduling", "standup", OPTIONS, context)

    assert await entity_rows(db) == [("ann", decision_id), ("bob", decision_id)]


async def test_raw_insert_fills_entity_rows(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann", "bob"]})

    assert await entity_rows(db) == [("ann", "d1"), ("bob", "d1")]


async def test_insert_stores_duplicate_id_once(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann", "ann"]})

    assert await entity_rows(db) == [("ann", "d1")]


async def test_insert_skips_non_text_elements(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": [7, None, ["ann"], {"id": "ann"}, True, "bob"]})

    assert await entity_rows(db) == [("bob", "d1")]


async def test_insert_without_entity_ids_adds_no_rows(db: Database) -> None:
    await insert(db, "d1", {"workload_level": "normal"})
    await insert(db, "d2", {})

    assert await entity_rows(db) == []


async def test_context_update_replaces_entity_rows(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann", "bob"]})
    await insert(db, "d2", {"entity_ids": ["ann"]})

    await db.execute(
        "UPDATE decisions SET context = ? WHERE id = 'd1'",
        (json.dumps({"entity_ids": ["bob", "carl"]}),),
    )

    assert await entity_rows(db) == [("bob", "d1"), ("carl", "d1"), ("ann", "d2")]


async def test_context_update_to_no_entities_removes_rows(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann"]})

    await db.execute("UPDATE decisions SET context = '{}' WHERE id = 'd1'")

    assert await entity_rows(db) == []


async def test_outcome_update_keeps_entity_rows(api: DecisionsAPI, db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann"]})

    await api.record_outcome("d1", "positive")

    assert await entity_rows(db) == [("ann", "d1")]


async def test_delete_decision_removes_entity_rows(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann"]})
    await insert(db, "d2", {"entity_ids": ["ann"]})

    await db.execute("DELETE FROM decisions WHERE id = 'd1'")

    assert await entity_rows(db) == [("ann", "d2")]


async def test_insert_replaces_rows_left_by_unchecked_delete(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann"]})
    # A connection without PRAGMA foreign_keys = ON deletes without the cascade.
    await db.execute("PRAGMA foreign_keys = OFF")
    await db.execute("DELETE FROM decisions WHERE id = 'd1'")
    await db.execute("PRAGMA foreign_keys = ON")
    assert await entity_rows(db) == [("ann", "d1")]

    await insert(db, "d1", {"entity_ids": ["bob"]})

    assert await entity_rows(db) == [("bob", "d1")]


async def test_id_update_moves_entity_rows(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann"]})

    await db.execute("UPDATE decisions SET id = 'd9' WHERE id = 'd1'")

    assert await entity_rows(db) == [("ann", "d9")]


async def test_id_and_context_update_together(db: Database) -> None:
    await insert(db, "d1", {"entity_ids": ["ann"]})

    await db.execute(
        "UPDATE decisions SET id = 'd9', context = ? WHERE id = 'd1'",
        (json.dumps({"entity_ids": ["bob"]}),),
    )

    assert await entity_rows(db) == [("bob", "d9")]


# The backfill ---------------------------------------------------------------------


async def test_migration_backfills_existing_decisions(tmp_path: Path) -> None:
    path = tmp_path / "existing.db"
    # Only the core schema: the decisions table exists, decision_entities does not yet.
    async with peanut_async.connect(path, plugins=()) as core_only:
        await insert(core_only, "d1", {"entity_ids": ["ann", "bob", "ann"]})
        await insert(core_only, "d2", {"entity_ids": ["ann"]}, created_at="2025-01-02 09:00:00")
        await insert(core_only, "d3", {})
        await insert(core_only, "d4", {"entity_ids": [7, "carl"]})

    async with peanut_async.connect(path, plugins=["decisions"]) as db:
        api = db.plugin("decisions", DecisionsAPI)

        assert await entity_rows(db) == [
            ("ann", "d1"),
            ("bob", "d1"),
            ("ann", "d2"),
            ("carl", "d4"),
        ]
        assert ids(await api.list_for_entity("ann")) == ["d2", "d1"]


# Lists through the probe of the newest decisions ----------------------------------


@pytest.fixture
async def interleaved(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten decisions, one a day, newest d9; ann is in d0, d1, d2 and d8."""
    monkeypatch.setattr(_entity_lists, "PROBE_ROWS", 3)
    for day in range(10):
        entities = ["ann"] if day in (0, 1, 2, 8) else ["bob"]
        await insert(
            db,
            f"d{day}",
            {"entity_ids": entities},
            decision_type="scheduling" if day % 2 == 0 else "other",
            created_at=f"2025-01-{day + 1:02} 09:00:00",
        )


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (1, ["d8"]),
        (2, ["d8", "d2"]),
        (4, ["d8", "d2", "d1", "d0"]),
        (5, ["d8", "d2", "d1", "d0"]),
    ],
)
@pytest.mark.usefixtures("interleaved")
async def test_list_for_entity_across_probe_window(
    api: DecisionsAPI, limit: int, expected: list[str]
) -> None:
    assert ids(await api.list_for_entity("ann", limit=limit)) == expected


@pytest.mark.usefixtures("interleaved")
async def test_list_by_type_entity_across_probe_window(api: DecisionsAPI) -> None:
    assert ids(await api.list_by_type("scheduling", entity_id="ann", limit=1)) == ["d8"]
    assert ids(await api.list_by_type("scheduling", entity_id="ann", limit=2)) == ["d8", "d2"]
    assert ids(await api.list_by_type("other", entity_id="ann", limit=1)) == ["d1"]
    assert ids(await api.list_by_type("scheduling", entity_id="ann")) == ["d8", "d2", "d0"]


@pytest.mark.usefixtures("interleaved")
async def test_list_for_entity_limit_above_probe_rows(api: DecisionsAPI) -> None:
    assert ids(await api.list_for_entity("bob", limit=10)) == ["d9", "d7", "d6", "d5", "d4", "d3"]


@pytest.mark.usefixtures("interleaved")
async def test_list_for_absent_entity_is_empty(api: DecisionsAPI) -> None:
    assert await api.list_for_entity("carl") == []
    assert await api.list_by_type("scheduling", entity_id="carl", limit=1) == []
