"""Fixtures of the reliability suite: migrated databases, copied from one template."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from _databases import copy_template

import peanut_async
from peanut_async import Database

Connector = Callable[..., Awaitable[Database]]
CALENDAR_PLUGINS = ["calendar", "values"]


@pytest.fixture
async def core_db(peanut_connect: Connector) -> Database:
    """A database with the core schema only and a table ``items (batch, n, payload)``."""
    database = await peanut_connect(plugins=())
    await database.execute(
        "CREATE TABLE items (batch INTEGER NOT NULL, n INTEGER NOT NULL, payload BLOB, "
        "PRIMARY KEY (batch, n))"
    )
    return database


@pytest.fixture(scope="session")
def calendar_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed database file migrated for the calendar and values plugins."""
    path = tmp_path_factory.mktemp("template") / "calendar.db"

    async def migrate() -> None:
        async with peanut_async.connect(path, plugins=CALENDAR_PLUGINS):
            pass

    asyncio.run(migrate())
    return path


@pytest.fixture
async def calendar_db(
    calendar_template: Path, tmp_path: Path, peanut_connect: Connector
) -> Database:
    """A migrated database with the calendar and values plugins, closed after the test."""
    path = copy_template(calendar_template, tmp_path / "calendar.db")
    return await peanut_connect(path, plugins=CALENDAR_PLUGINS)
