"""A plugin whose migrations run long enough to be killed midway, and checks of its state.

Migration 1 loads ``BULK_ROWS`` rows with one recursive-CTE INSERT, each row referring
to one of ``BULK_PEOPLE`` entities it inserts first. Migration 2 is many small
statements: ``TAG_ROWS`` single-row INSERTs. Each migration is all or nothing, so after
any kill the database contains both migrations' objects, only the first's, or neither.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peanut_async

BULK_ROWS = 150_000
BULK_PEOPLE = 1_000
TAG_ROWS = 3_000
SOURCE = "bulk"

_LOAD = f"""
INSERT INTO entities (id, canonical_name, entity_type)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BULK_PEOPLE})
SELECT 'bulk-' || i, 'Bulk person ' || i, 'person' FROM n;

CREATE TABLE bulk_items (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities (id),
    payload TEXT NOT NULL
);

INSERT INTO bulk_items (id, entity_id, payload)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BULK_ROWS})
SELECT i, 'bulk-' || (i % {BULK_PEOPLE} + 1), hex(randomblob(16)) FROM n;

CREATE INDEX bulk_items_payload ON bulk_items (payload);
"""


def _tags_sql() -> str:
    lines = [
        "CREATE TABLE bulk_tags (",
        "    id INTEGER PRIMARY KEY,",
        "    item_id INTEGER NOT NULL REFERENCES bulk_items (id),",
        "    tag TEXT NOT NULL",
        ");",
    ]
    lines += [
        f"INSERT INTO bulk_tags (item_id, tag) VALUES ({i}, 'tag {i}');"
        for i in range(1, TAG_ROWS + 1)
    ]
    return "\n".join(lines) + "\n"


class BulkAPI:
    """The bulk plugin has no API: it exists for its migrations."""

    def __init__(self, db: peanut_async.Database) -> None:
        self.db = db


def write_migrations(folder: Path) -> Path:
    """Write the two bulk migrations into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "001_bulk_load.sql").write_text(_LOAD, encoding="utf-8")
    (folder / "002_bulk_tags.sql").write_text(_tags_sql(), encoding="utf-8")
    return folder


def bulk_plugin(folder: Path) -> peanut_async.Plugin:
    """Return the bulk plugin with its migrations in ``folder``."""
    return peanut_async.Plugin(
        name=SOURCE,
        tables={"bulk_items": ("id", "entity_id", "payload"), "bulk_tags": ("item_id", "tag")},
        api_factory=BulkAPI,
        migrations=folder,
    )


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    """Return the bulk versions the history records (none when it has no history yet)."""
    if not _exists(conn, "table", "peanut_migrations"):
        return set()
    rows = conn.execute("SELECT version FROM peanut_migrations WHERE source = ?", (SOURCE,))
    return {version for (version,) in rows}


def load_state(conn: sqlite3.Connection) -> tuple[int, ...] | None:
    """Return migration 1's objects as (people, rows, index present), or None if absent.

    A partial state (some objects, or counts short of the full load) is returned as is,
    so a test comparing with the full state shows what is missing.
    """
    people = _count(conn, "entities", "id LIKE 'bulk-%'")
    table = _exists(conn, "table", "bulk_items")
    index = _exists(conn, "index", "bulk_items_payload")
    if not table and not index and people == 0:
        return None
    rows = _count(conn, "bulk_items", "1") if table else -1
    return (people, rows, int(index))


def tags_state(conn: sqlite3.Connection) -> int | None:
    """Return migration 2's row count, or None when its table does not exist."""
    if not _exists(conn, "table", "bulk_tags"):
        return None
    return _count(conn, "bulk_tags", "1")


FULL_LOAD = (BULK_PEOPLE, BULK_ROWS, 1)


def _exists(conn: sqlite3.Connection, kind: str, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = ? AND name = ?", (kind, name)
    ).fetchone()
    return row is not None


def _count(conn: sqlite3.Connection, table: str, where: str) -> int:
    if not _exists(conn, "table", table):
        return 0
    value: int = conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
    return value
