"""The example third-party plugin, installed for real with pip, through real entry points."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from _corpus import REPOSITORY

import peanut_async
from peanut_async import SchemaCheckError

EXAMPLE = REPOSITORY / "examples" / "peanut-habits"


@pytest.fixture(scope="module", autouse=True)
def _installed() -> None:
    """Install peanut-habits with pip unless the test environment already has it."""
    try:
        distribution("peanut-habits")
    except PackageNotFoundError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", str(EXAMPLE)], check=True
        )
    assert distribution("peanut-habits").version == "0.1.0"


async def test_discovered_through_entry_point(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "p.db", plugins=["habits"]) as db:
        (loaded,) = db.plugins
    assert loaded.name == "habits"
    assert loaded.distribution == "peanut-habits"
    assert loaded.version == "0.1.0"
    assert loaded.entry_point == "habits = peanut_habits:PLUGIN"


async def test_migration_recorded_under_plugin_name(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "p.db", plugins=["habits"]) as db:
        rows = await db.fetch_all(
            "SELECT source, version, name FROM peanut_migrations WHERE source = 'habits'"
        )
    assert [tuple(row) for row in rows] == [("habits", 1, "create_habits")]


async def test_api_uses_own_table_and_entities(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "p.db", plugins=["habits"]) as db:
        await db.execute(
            "INSERT INTO entities (id, canonical_name, entity_type) VALUES ('e1', 'Ada', 'person')"
        )
        habits = db.plugin("habits")
        habit_id = await habits.add_habit("run", entity_id="e1")
        assert await habits.check_in(habit_id, date(2026, 3, 1)) == 1
        assert await habits.check_in(habit_id, date(2026, 3, 2)) == 2
        assert await habits.check_in(habit_id, date(2026, 3, 4)) == 1
        (habit,) = await habits.list_habits()
    assert habit.person == "Ada"
    assert habit.streak == 1
    assert habit.last_done_on == date(2026, 3, 4)


def test_plugins_command_lists_version(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "peanut_async", "plugins", "--db", str(tmp_path / "p.db"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {row["name"]: row for row in json.loads(result.stdout)["plugins"]}
    assert rows["habits"]["distribution"] == "peanut-habits"
    assert rows["habits"]["version"] == "0.1.0"
    assert rows["habits"]["migrations"] == "habits"
    assert rows["habits"]["tables"] == ["entities", "habit_checkins", "habits"]


async def test_missing_column_names_plugin_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    async with peanut_async.connect(path, plugins=()):
        pass
    # A database whose habits table was made elsewhere, without the streak column,
    # adopted by recording the plugin's migration as applied.
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE habits"
            " (id TEXT, name TEXT, entity_id TEXT, last_done_on TEXT, created_at TEXT)"
        )
        conn.execute("CREATE TABLE habit_checkins (habit_id TEXT, done_on TEXT)")
    conn.close()
    baseline = subprocess.run(
        [sys.executable, "-m", "peanut_async", "baseline", "habits", "1", "--db", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert baseline.returncode == 0, baseline.stderr
    with pytest.raises(SchemaCheckError) as raised:
        await peanut_async.connect(path, plugins=["habits"])
    (missing,) = raised.value.missing
    assert (missing.plugin, missing.table, missing.column) == ("habits", "habits", "streak")
    assert missing.distribution == "peanut-habits"
    assert (
        "plugin 'habits' (peanut-habits 0.1.0) needs column habits.streak, which is missing: "
        "add a migration that creates it"
    ) in str(raised.value)
