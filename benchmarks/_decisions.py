"""Benchmark 4: the decisions plugin's queries over a large history, with their plans."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import peanut_async
from peanut_async.plugins.decisions import DecisionContext

from ._databases import BUILT_IN_PLUGINS, Workspace, open_plain
from ._plans import query_plan, table_accesses
from ._report import Check, Section, Target
from ._settings import Settings
from ._timing import median, milliseconds

GOAL_MS = 50.0
SEED = 20_240_601
ENTITY_POOL = 2_000
HISTORY_DAYS = 730
# The most frequent type, so its queries read the most rows.
QUERIED_TYPE = "scheduling"

# Decision types with their share of the history.
TYPE_WEIGHTS = {
    "scheduling": 30,
    "communication": 20,
    "prioritization": 15,
    "delegation": 10,
    "resource": 10,
    "commitment": 10,
    "other": 5,
}
EMOTIONAL_STATES = ("calm", "focused", "stressed", "tired", "anxious", "excited", "frustrated")
WORKLOADS = ("light", "normal", "heavy")
SOURCES = ("email", "calendar", "chat", "manual")
RATINGS = ("positive", "positive", "neutral", "negative")
LABELS = ("Accept", "Decline", "Postpone", "Delegate", "Do it now", "Ask for more time")

_INSERT = (
    "INSERT INTO decisions (id, decision_type, description, options, chosen_option_id, "
    "context, outcome, created_at, decided_at, pattern_match, consistency_with_values) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

Call = Callable[[Any], Awaitable[object]]


async def run_decisions(workspace: Workspace, settings: Settings) -> Section:
    """Time list_by_type with an entity filter, find_similar and analyze_patterns."""
    section = Section(
        name="decisions",
        title=f"Decisions: queries over {settings.decision_count:,} stored decisions "
        f"(type {QUERIED_TYPE!r}, {TYPE_WEIGHTS[QUERIED_TYPE]}% of them)",
        header=["call", "rows returned", "runs", "median ms", "table reads in the plan"],
    )
    path = await workspace.fresh_database("decisions")
    entity_ids = _populate(path, settings.decision_count)

    async with peanut_async.connect(path, plugins=BUILT_IN_PLUGINS) as db:
        api = db.plugin("decisions")
        rng = random.Random(SEED + 1)
        calls: list[tuple[str, Call]] = [
            (
                "list_by_type(entity_id=...)",
                lambda api: api.list_by_type(QUERIED_TYPE, entity_id=rng.choice(entity_ids)),
            ),
            (
                "list_by_type(entity_id=..., limit=20)",
                lambda api: api.list_by_type(
                    QUERIED_TYPE, entity_id=rng.choice(entity_ids), limit=20
                ),
            ),
            (
                "find_similar(limit=5)",
                lambda api: api.find_similar(QUERIED_TYPE, _query_context(rng, entity_ids)),
            ),
            ("analyze_patterns(window_days=90)", lambda api: api.analyze_patterns(QUERIED_TYPE)),
        ]
        for label, call in calls:
            await _measure(section, db, api, label, call, settings.decision_runs)
    section.notes.append(
        "query plans are of the SQL the plugin ran, captured with sqlite3's "
        "set_trace_callback (parameters appear bound as literals)"
    )
    return section


async def _measure(section: Section, db: Any, api: Any, label: str, call: Call, runs: int) -> None:
    statements, result = await _capture_statements(db, lambda: call(api))
    plans = [await db.run_sync(query_plan, sql) for sql in statements]
    accesses = []
    for sql, plan in zip(statements, plans, strict=True):
        accesses.extend(await db.run_sync(table_accesses, sql, plan))
    uses_index = bool(accesses) and all(access.index for access in accesses)
    described = sorted({access.describe() for access in accesses})

    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call(api)
        samples.append(time.perf_counter() - started)
    elapsed = median(samples)

    rows = _result_size(result)
    section.rows.append(
        [
            label,
            str(rows),
            str(runs),
            milliseconds(elapsed),
            "; ".join(described),
        ]
    )
    section.targets.append(Target(label, elapsed * 1000, GOAL_MS, "ms", higher_is_better=False))
    section.checks.append(
        Check(f"{label} ran at least one statement", bool(statements), f"{len(statements)}")
    )
    section.checks.append(
        Check(f"{label} reads every table through an index", uses_index, "; ".join(described))
    )
    for sql, plan in zip(statements, plans, strict=True):
        section.notes.append(
            f"plan of {label}: {_one_line(sql)}\n" + "\n".join(f"    {line}" for line in plan)
        )
    section.data[label] = {
        "samples_s": samples,
        "median_s": elapsed,
        "rows": rows,
        "statements": statements,
        "plans": plans,
        "uses_index": uses_index,
        "table_accesses": described,
    }


async def _capture_statements(
    db: Any, call: Callable[[], Awaitable[object]]
) -> tuple[list[str], object]:
    statements: list[str] = []

    def trace(sql: str) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(sql)

    await db.run_sync(lambda conn: conn.set_trace_callback(trace))
    try:
        result = await call()
    finally:
        await db.run_sync(lambda conn: conn.set_trace_callback(None))
    return statements, result


def _one_line(sql: str) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _result_size(result: object) -> int:
    if isinstance(result, list):
        return len(result)
    count = getattr(result, "count", None)
    return count if isinstance(count, int) else 1


def _query_context(rng: random.Random, entity_ids: list[str]) -> DecisionContext:
    return DecisionContext(
        entity_ids=rng.sample(entity_ids, 2),
        workload_level=rng.choice(WORKLOADS),
        emotional_state=rng.choice(EMOTIONAL_STATES),
        source_type=rng.choice(SOURCES),
    )


def _populate(path: Path, count: int) -> list[str]:
    """Insert ``count`` decisions spread over the last two years; return the entity pool."""
    rng = random.Random(SEED)
    entity_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(ENTITY_POOL)]
    now = datetime.now(UTC).replace(microsecond=0)
    types = list(TYPE_WEIGHTS)
    weights = list(TYPE_WEIGHTS.values())
    rows = [_decision_row(rng, now, types, weights, entity_ids) for _ in range(count)]
    connection = open_plain(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(_INSERT, rows)
        connection.execute("COMMIT")
        # The planner's statistics, as an application's periodic PRAGMA optimize keeps them.
        connection.execute("ANALYZE")
    finally:
        connection.close()
    return entity_ids


def _decision_row(
    rng: random.Random,
    now: datetime,
    types: list[str],
    weights: list[int],
    entity_ids: list[str],
) -> tuple[Any, ...]:
    created = now - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86_400))
    labels = rng.sample(LABELS, rng.randint(2, 4))
    options = [
        {
            "id": f"o{index}",
            "label": label,
            "description": None,
            "effort": rng.choice(("low", "medium", "high")),
            "risk": rng.choice(("low", "medium", "high")),
        }
        for index, label in enumerate(labels)
    ]
    context = {
        "entity_ids": rng.sample(entity_ids, rng.randint(1, 4)),
        "commitment_ids": [],
        "deadline": None,
        "preferred_time": rng.choice((None, "morning", "afternoon")),
        "emotional_state": rng.choice(EMOTIONAL_STATES),
        "workload_level": rng.choice(WORKLOADS),
        "source_type": rng.choice(SOURCES),
        "source_id": None,
    }
    decided = rng.random() < 0.85
    decided_at = None
    if decided:
        decided_at = min(now, created + timedelta(minutes=rng.randint(1, 4_320)))
    outcome = None
    if decided and rng.random() < 0.8:
        outcome = json.dumps(
            {"rating": rng.choice(RATINGS), "notes": None, "recorded_at": _text(decided_at)}
        )
    return (
        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        rng.choices(types, weights)[0],
        f"Decision about {labels[0].lower()} number {rng.randrange(1_000_000)}",
        json.dumps(options),
        rng.choice(options)["id"] if decided else None,
        json.dumps(context),
        outcome,
        _text(created),
        _text(decided_at),
        "[]",
        round(rng.random(), 3) if decided else None,
    )


def _text(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S")
