"""``peanut-async check --integrity``: integrity and foreign-key checks set the exit code."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

import peanut_async
from peanut_async import DatabaseError
from peanut_async._cli import main

PEOPLE = 50
INDEX = "idx_entities_canonical_name"


def _make_database(path: Path) -> Path:
    """Create a database with every installed plugin and ``PEOPLE`` entities, then close it."""

    async def create() -> None:
        async with peanut_async.connect(path) as db:
            await db.executemany(
                "INSERT INTO entities (id, canonical_name, entity_type) VALUES (?, ?, 'person')",
                [(f"person-{n:03}", f"Person {n:03}") for n in range(PEOPLE)],
            )

    asyncio.run(create())
    return path


def _insert_orphan_attribute(path: Path) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(
            "INSERT INTO entity_attributes (id, entity_id, attribute_type, attribute_value) "
            "VALUES ('orphan', 'no-such-entity', 'email', 'ghost@example.com')"
        )


def _page(path: Path, name: str) -> tuple[int, int]:
    """Return the byte offset and size of the root page of table or index ``name``."""
    with closing(sqlite3.connect(path)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?", (name,)
        ).fetchone()[0]
    return (root - 1) * page_size, page_size


def _corrupt_index_entry(path: Path) -> None:
    # Rewrite one key inside the index page: the table row no longer matches its entry.
    offset, size = _page(path, INDEX)
    data = bytearray(path.read_bytes())
    page = data[offset : offset + size]
    position = page.find(b"Person 017")
    assert position >= 0
    data[offset + position : offset + position + 10] = b"Person 9Z7"
    path.write_bytes(bytes(data))


def _check(path: Path, *options: str) -> int:
    return main(["check", "--integrity", "--db", str(path), *options])


def test_healthy_database_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _make_database(tmp_path / "healthy.db")

    assert _check(db) == 0

    output = capsys.readouterr().out
    assert "integrity: ok" in output.splitlines()
    assert output.splitlines()[-1] == "check: ok"


def test_foreign_key_violation_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _make_database(tmp_path / "orphan.db")
    _insert_orphan_attribute(db)

    assert _check(db) == 1

    lines = capsys.readouterr().out.splitlines()
    assert "integrity: FAILED" in lines
    violations = [line for line in lines if "foreign key violation" in line]
    assert len(violations) == 1
    assert "entity_attributes" in violations[0]
    assert "entities" in violations[0]
    assert lines[-1] == "check: FAILED"


def test_foreign_key_violation_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _make_database(tmp_path / "orphan.db")
    _insert_orphan_attribute(db)

    assert _check(db, "--json") == 1

    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert len(payload["integrity"]) == 1
    assert payload["integrity"][0].startswith("foreign key violation: entity_attributes row ")


def test_check_without_integrity_skips_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _make_database(tmp_path / "orphan.db")
    _insert_orphan_attribute(db)

    assert main(["check", "--db", str(db), "--json"]) == 0

    assert json.loads(capsys.readouterr().out)["integrity"] is None


def test_corrupted_index_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _make_database(tmp_path / "corrupt.db")
    _corrupt_index_entry(db)

    assert _check(db) == 1

    lines = capsys.readouterr().out.splitlines()
    assert "integrity: FAILED" in lines
    assert any(INDEX in line for line in lines)
    assert lines[-1] == "check: FAILED"


@pytest.mark.parametrize("damage", ["header", "truncated"])
def test_unreadable_file_fails_cleanly(tmp_path: Path, damage: str) -> None:
    db = _make_database(tmp_path / "damaged.db")
    data = db.read_bytes()
    if damage == "header":
        db.write_bytes(b"this is not an SQLite database. " * 4 + data[128:])
    else:
        db.write_bytes(data[: len(data) // 3])

    result = subprocess.run(
        [sys.executable, "-m", "peanut_async", "check", "--integrity", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("peanut-async: error: ")
    assert str(db) in lines[0]


def test_opening_unreadable_file_names_it(tmp_path: Path) -> None:
    db = _make_database(tmp_path / "damaged.db")
    db.write_bytes(b"this is not an SQLite database. " * 4 + db.read_bytes()[128:])

    async def open_damaged() -> None:
        async with peanut_async.connect(db):
            pass

    with pytest.raises(DatabaseError) as raised:
        asyncio.run(open_damaged())

    message = str(raised.value)
    assert str(db) in message
    # The path is not an SQL statement, and the message must not call it one.
    assert "statement" not in message
