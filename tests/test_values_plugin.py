"""The values plugin's registration: entry point, migration and declared tables."""

from __future__ import annotations

from pathlib import Path

import peanut_async
from peanut_async.plugins.values import PLUGIN, ValuesAPI


async def test_loaded_through_entry_point(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "v.db", plugins=["values"]) as db:
        (loaded,) = db.plugins
        api = db.plugin("values")

    assert loaded.name == "values"
    assert loaded.plugin is PLUGIN
    assert isinstance(api, ValuesAPI)


async def test_migration_recorded_under_plugin_name(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "v.db", plugins=["values"]) as db:
        rows = await db.fetch_all(
            "SELECT version, name FROM peanut_migrations WHERE source = 'values'"
        )

    assert [tuple(row) for row in rows] == [(1, "value_extraction_sources")]


def test_declared_tables() -> None:
    assert sorted(PLUGIN.tables) == [
        "commitments", "decisions", "user_values", "value_conflicts", "value_extraction_sources",
    ]


async def test_declared_columns_exist(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "v.db", plugins=["values"]) as db:
        for table, columns in PLUGIN.tables.items():
            rows = await db.fetch_all(f"SELECT name FROM pragma_table_info('{table}')")
            present = {row["name"] for row in rows}
            assert set(columns) <= present, table
