"""Concurrent value upserts and conflict recordings: tasks on one Database, and processes."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest

import peanut_async
from peanut_async import Database
from peanut_async.plugins.values import ValueEvidence, ValuesAPI


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    return ["values"]


@pytest.fixture
def values(peanut_db: Database) -> ValuesAPI:
    return peanut_db.plugin("values", ValuesAPI)


async def run_concurrently(count: int, task: object) -> None:
    async with anyio.create_task_group() as group:
        for index in range(count):
            group.start_soon(task, index)  # type: ignore[arg-type]


async def test_100_tasks_count_every_contradiction(values: ValuesAPI) -> None:
    async def upsert(index: int) -> None:
        evidence = ValueEvidence("explicit", f"item {index}", reinforces=False)
        await values.upsert_value("reliability", "personal", evidence)

    await run_concurrently(100, upsert)

    value = await values.get_value("reliability")
    assert value.contradiction_count == 100
    assert value.strength == 0.0
    assert len(value.evidence) == 20
    assert len({item.description for item in value.evidence}) == 20


async def test_concurrent_steps_all_applied(values: ValuesAPI) -> None:
    # 16 contradictions from 0.3 would clamp, so the value starts reinforced at 0.5.
    await values.upsert_value("health", "health", ValueEvidence("explicit", "start"))

    async def upsert(index: int) -> None:
        evidence = ValueEvidence("explicit", f"item {index}", reinforces=False)
        await values.upsert_value("health", "health", evidence)

    await run_concurrently(16, upsert)

    value = await values.get_value("health")
    assert value.strength == 0.02
    assert value.contradiction_count == 16


async def test_10_tasks_reinforce_without_lost_step(values: ValuesAPI) -> None:
    async def upsert(index: int) -> None:
        await values.upsert_value("health", "health", ValueEvidence("explicit", f"item {index}"))

    await run_concurrently(10, upsert)

    value = await values.get_value("health")
    assert value.strength == 0.95
    assert len(value.evidence) == 10


async def test_100_tasks_record_100_conflicts(values: ValuesAPI) -> None:
    async def record(index: int) -> None:
        # Half of the calls name the pair in the other order.
        pair = ("reliability", "flexibility") if index % 2 else ("flexibility", "reliability")
        await values.record_conflict(*pair, context=f"occurrence {index}")

    await run_concurrently(100, record)

    (conflict,) = await values.list_conflicts()
    assert (conflict.value1, conflict.value2) == ("flexibility", "reliability")
    assert conflict.occurrence_count == 100


WORKER = """
import asyncio
import sys

import peanut_async
from peanut_async.plugins.values import ValueEvidence


async def main(path: str, worker: str) -> None:
    async with peanut_async.connect(path, plugins=["values"]) as db:
        values = db.plugin("values")
        for index in range(25):
            evidence = ValueEvidence(
                "explicit", f"worker {worker} item {index}", reinforces=False
            )
            await values.upsert_value("reliability", "personal", evidence)
            await values.record_conflict("reliability", "flexibility")
        for index in range(2):
            evidence = ValueEvidence("explicit", f"worker {worker} gym {index}")
            await values.upsert_value("health", "health", evidence)


asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_four_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    # Migrate once first, so the workers measure upserts rather than migration locking.
    async with peanut_async.connect(path, plugins=["values"]):
        pass

    async def work(index: int) -> None:
        await anyio.run_process([sys.executable, "-c", WORKER, str(path), str(index)])

    await run_concurrently(4, work)

    async with peanut_async.connect(path, plugins=["values"]) as db:
        values = db.plugin("values", ValuesAPI)
        reliability = await values.get_value("reliability")
        health = await values.get_value("health")
        (conflict,) = await values.list_conflicts()
    assert reliability.contradiction_count == 100
    assert health.strength == 0.85
    assert conflict.occurrence_count == 100
