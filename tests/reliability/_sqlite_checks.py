"""Read a database file with plain sqlite3, as a second process would after a crash."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def integrity_problems(path: Path) -> list[str]:
    """Return the lines of ``integrity_check`` that are not "ok" and every FK violation."""
    with closing(sqlite3.connect(path)) as conn:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
    return problems


def query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Return every row of ``sql`` on a fresh connection to ``path``."""
    with closing(sqlite3.connect(path)) as conn:
        return [tuple(row) for row in conn.execute(sql, params)]
