"""Tests of the migration runner on plain sqlite3 connections.

Every test that touches a connection runs three times: with sqlite3's legacy transaction
handling (``isolation_level=""`` and ``"DEFERRED"``) and in autocommit mode
(``isolation_level=None``), because callers may hand the runner either kind.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _migration_files import sha256_of, write_source

from peanut_async import (
    ChecksumMismatchError,
    DatabaseNewerError,
    MigrationError,
    MigrationFailedError,
    MigrationFileError,
)
from peanut_async._migrations import (
    apply_migrations,
    baseline,
    migration_status,
    plan_migrations,
)

_PEOPLE = "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
_NOTES = (
    "-- notes about people\n"
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES people (id),"
    " body TEXT);\n"
)


@pytest.fixture(params=["", "DEFERRED", None], ids=["legacy", "legacy-deferred", "autocommit"])
def conn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "runner.db", isolation_level=request.param)
    connection.execute("PRAGMA foreign_keys = ON")
    try:
        yield connection
    finally:
        connection.close()


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [row[0] for row in rows]


def _history(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    rows = conn.execute(
        "SELECT source, version, name FROM peanut_migrations ORDER BY source, version"
    )
    return [tuple(row) for row in rows]


# Loading sources -----------------------------------------------------------------------


def test_source_rejects_malformed_file_names(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "m",
        {"001_ok.sql": _PEOPLE, "2-dash.sql": "", "notes.sql": "", "003_.sql": ""},
    )

    with pytest.raises(MigrationFileError, match=r"NNN_description\.sql") as caught:
        source.load()

    assert caught.value.source == "core"
    assert caught.value.files == ("003_.sql", "2-dash.sql", "notes.sql")


def test_source_rejects_two_files_with_one_version(tmp_path: Path) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "1_also_one.sql": ""})

    with pytest.raises(MigrationFileError, match="two files with version 1") as caught:
        source.load()

    assert caught.value.source == "core"
    assert caught.value.files == ("001_people.sql", "1_also_one.sql")


def test_source_ignores_files_that_are_not_sql(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "m", {"001_people.sql": _PEOPLE, "README.md": "x", "001_people.sql.bak": "x"}
    )

    assert [migration.file for migration in source.load()] == ["001_people.sql"]


def test_source_orders_by_version_number(tmp_path: Path) -> None:
    source = write_source(tmp_path / "m", {"10_ten.sql": "", "002_two.sql": "", "1_one.sql": ""})

    assert [migration.version for migration in source.load()] == [1, 2, 10]


def test_source_missing_folder_has_no_migrations(tmp_path: Path) -> None:
    source = write_source(tmp_path / "m", {})
    (tmp_path / "m").rmdir()

    assert source.load() == ()


def test_source_rejects_file_that_is_not_utf8(tmp_path: Path) -> None:
    source = write_source(tmp_path / "m", {})
    (tmp_path / "m" / "001_latin1.sql").write_bytes(b"-- caf\xe9\nSELECT 1;")

    with pytest.raises(MigrationFileError, match="not valid UTF-8") as caught:
        source.load()

    assert caught.value.files == ("001_latin1.sql",)


# Applying ----------------------------------------------------------------------------


def test_apply_runs_migrations_in_version_order(tmp_path: Path, conn: sqlite3.Connection) -> None:
    # 002 needs the table 001 creates, and 10 sorts after 2 numerically.
    source = write_source(
        tmp_path / "m",
        {
            "10_index.sql": "CREATE INDEX idx_notes_body ON notes (body);",
            "002_notes.sql": _NOTES,
            "001_people.sql": _PEOPLE,
        },
    )

    applied = apply_migrations(conn, [source])

    assert [(m.source, m.version, m.file) for m in applied] == [
        ("core", 1, "001_people.sql"),
        ("core", 2, "002_notes.sql"),
        ("core", 10, "10_index.sql"),
    ]
    assert _tables(conn) == ["notes", "peanut_migrations", "people"]


def test_apply_records_history_row(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    before = datetime.now(UTC).replace(microsecond=0)

    apply_migrations(conn, [source])

    row = conn.execute(
        "SELECT source, version, name, checksum, applied_at, duration_ms, baseline"
        " FROM peanut_migrations"
    ).fetchone()
    assert row[:4] == ("core", 1, "people", sha256_of(tmp_path / "m" / "001_people.sql"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row[4])
    applied_at = datetime.strptime(row[4], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert before <= applied_at <= before + timedelta(seconds=5)
    assert isinstance(row[5], float)
    assert row[5] >= 0
    assert row[6] == 0


def test_apply_twice_applies_nothing(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    apply_migrations(conn, [source])

    assert apply_migrations(conn, [source]) == []
    assert _history(conn) == [("core", 1, "people")]


def test_apply_leaves_connection_outside_transaction(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_notes.sql": _NOTES})

    apply_migrations(conn, [source])

    assert not conn.in_transaction


def test_apply_keeps_versions_per_source(tmp_path: Path, conn: sqlite3.Connection) -> None:
    core = write_source(tmp_path / "core", {"001_people.sql": _PEOPLE})
    plugin = write_source(
        tmp_path / "plugin", {"001_tags.sql": "CREATE TABLE tags (name TEXT);"}, name="tags"
    )

    apply_migrations(conn, [core, plugin])

    assert _history(conn) == [("core", 1, "people"), ("tags", 1, "tags")]


def test_apply_runs_trigger_with_semicolons(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(
        tmp_path / "m",
        {
            "001_counted.sql": (
                "CREATE TABLE items (name TEXT);\n"
                "CREATE TABLE item_count (n INTEGER NOT NULL);\n"
                "INSERT INTO item_count VALUES (0);\n"
                "-- keep the count in step; one row per insert\n"
                "CREATE TRIGGER items_counted AFTER INSERT ON items BEGIN\n"
                "    UPDATE item_count SET n = n + 1;\n"
                "    SELECT CASE WHEN new.name = ';' THEN RAISE(ABORT, 'no; names') END;\n"
                "END;\n"
                "INSERT INTO items VALUES ('a; b');\n"
            )
        },
    )

    apply_migrations(conn, [source])

    assert conn.execute("SELECT n FROM item_count").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM items").fetchone()[0] == "a; b"


def test_schema_version_view_shows_core_version(tmp_path: Path, conn: sqlite3.Connection) -> None:
    core = write_source(tmp_path / "core", {"001_people.sql": _PEOPLE, "002_notes.sql": _NOTES})
    plugin = write_source(tmp_path / "plugin", {"007_tags.sql": "SELECT 1;"}, name="tags")

    apply_migrations(conn, [core, plugin])

    row = conn.execute("SELECT version, applied_at FROM schema_version").fetchall()
    assert len(row) == 1
    assert row[0][0] == 2


# A failing migration -------------------------------------------------------------------

_BROKEN = (
    "CREATE TABLE tags (name TEXT);\n"
    "INSERT INTO tags VALUES ('kept only if all succeeds');\n"
    "-- this statement refers to a table that does not exist\n"
    "INSERT INTO no_such_table\n"
    "    VALUES (1);\n"
    "CREATE TABLE never (x);\n"
)


def test_failing_statement_raises_with_its_context(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_tags.sql": _BROKEN})

    with pytest.raises(MigrationFailedError) as caught:
        apply_migrations(conn, [source])

    error = caught.value
    assert error.source == "core"
    assert error.file == "002_tags.sql"
    assert error.statement.endswith("INSERT INTO no_such_table\n    VALUES (1);")
    assert error.sqlite_message == "no such table: no_such_table"
    assert "core/002_tags.sql" in str(error)
    assert "'INSERT INTO no_such_table'" in str(error)
    assert "no such table: no_such_table" in str(error)
    assert isinstance(error.__cause__, sqlite3.OperationalError)


def test_failing_migration_leaves_nothing(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_tags.sql": _BROKEN})

    with pytest.raises(MigrationFailedError):
        apply_migrations(conn, [source])

    # 001 ran in its own transaction and stays; nothing of 002 remains or is recorded.
    assert _tables(conn) == ["peanut_migrations", "people"]
    assert _history(conn) == [("core", 1, "people")]
    assert not conn.in_transaction


def test_fixed_migration_applies(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_tags.sql": _BROKEN})
    with pytest.raises(MigrationFailedError):
        apply_migrations(conn, [source])
    fixed = _BROKEN.replace("no_such_table", "tags")
    (tmp_path / "m" / "002_tags.sql").write_text(fixed, encoding="utf-8")

    applied = apply_migrations(conn, [source])

    assert [m.file for m in applied] == ["002_tags.sql"]
    assert conn.execute("SELECT count(*) FROM tags").fetchone()[0] == 2
    stored = conn.execute("SELECT checksum FROM peanut_migrations WHERE version = 2").fetchone()
    assert stored[0] == sha256_of(tmp_path / "m" / "002_tags.sql")


def test_failing_commit_raises_migration_error(tmp_path: Path, conn: sqlite3.Connection) -> None:
    # A deferred foreign key is checked at COMMIT, after every statement succeeded.
    source = write_source(
        tmp_path / "m",
        {
            "001_people.sql": _PEOPLE,
            "002_orphan.sql": (
                "CREATE TABLE links (person_id INTEGER REFERENCES people (id)"
                " DEFERRABLE INITIALLY DEFERRED);\n"
                "INSERT INTO links VALUES (42);\n"
            ),
        },
    )

    with pytest.raises(MigrationFailedError) as caught:
        apply_migrations(conn, [source])

    assert caught.value.file == "002_orphan.sql"
    assert caught.value.statement == "COMMIT"
    assert caught.value.sqlite_message == "FOREIGN KEY constraint failed"
    assert _tables(conn) == ["peanut_migrations", "people"]
    assert _history(conn) == [("core", 1, "people")]
    assert not conn.in_transaction


def test_apply_rejects_open_transaction(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    conn.execute("CREATE TABLE scratch (x)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO scratch VALUES (1)")

    with pytest.raises(MigrationError, match="inside a transaction") as caught:
        apply_migrations(conn, [source])

    assert caught.value.source == "core"
    assert conn.in_transaction
    conn.execute("ROLLBACK")


# Verifying what was applied ------------------------------------------------------------


def test_changed_applied_file_raises_checksum_mismatch(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    apply_migrations(conn, [source])
    stored = sha256_of(tmp_path / "m" / "001_people.sql")
    (tmp_path / "m" / "001_people.sql").write_text(_PEOPLE + "-- an edit\n", encoding="utf-8")

    with pytest.raises(ChecksumMismatchError) as caught:
        apply_migrations(conn, [source])

    error = caught.value
    assert error.source == "core"
    assert error.file == "001_people.sql"
    assert error.stored == stored
    assert error.current == sha256_of(tmp_path / "m" / "001_people.sql")
    assert "Restore the original file" in str(error)
    assert "new migration with a higher version" in str(error)


def test_unknown_applied_version_raises_database_newer(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    source = write_source(
        tmp_path / "m", {"001_people.sql": _PEOPLE, "002_notes.sql": _NOTES, "003_x.sql": ""}
    )
    apply_migrations(conn, [source])
    (tmp_path / "m" / "002_notes.sql").unlink()
    (tmp_path / "m" / "003_x.sql").unlink()

    with pytest.raises(DatabaseNewerError) as caught:
        apply_migrations(conn, [source])

    assert caught.value.source == "core"
    assert caught.value.versions == (2, 3)
    assert "version(s) 2, 3" in str(caught.value)
    assert "Upgrade peanut-async" in str(caught.value)


# Dry run -----------------------------------------------------------------------------


def test_plan_lists_pending_without_writing(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_notes.sql": _NOTES})

    plan = plan_migrations(conn, [source])

    assert [(m.source, m.version, m.file) for m in plan] == [
        ("core", 1, "001_people.sql"),
        ("core", 2, "002_notes.sql"),
    ]
    assert _tables(conn) == []
    assert conn.total_changes == 0


def test_plan_skips_applied_migrations(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    apply_migrations(conn, [source])
    write_source(tmp_path / "m", {"002_notes.sql": _NOTES})

    plan = plan_migrations(conn, [source])

    assert [m.file for m in plan] == ["002_notes.sql"]
    assert _tables(conn) == ["peanut_migrations", "people"]


def test_plan_raises_checksum_mismatch(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    apply_migrations(conn, [source])
    (tmp_path / "m" / "001_people.sql").write_text("SELECT 1;", encoding="utf-8")

    with pytest.raises(ChecksumMismatchError) as caught:
        plan_migrations(conn, [source])

    assert caught.value.file == "001_people.sql"


def test_status_lists_applied_and_pending(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    apply_migrations(conn, [source])
    write_source(tmp_path / "m", {"002_notes.sql": _NOTES})

    states = migration_status(conn, [source])

    assert [(s.version, s.file, s.is_applied, s.checksum_ok) for s in states] == [
        (1, "001_people.sql", True, True),
        (2, "002_notes.sql", False, None),
    ]


# Baseline ----------------------------------------------------------------------------


def test_baseline_records_without_running(tmp_path: Path, conn: sqlite3.Connection) -> None:
    # The database was made elsewhere: its people table exists already, so running
    # 001 would fail with "table people already exists".
    conn.execute(_PEOPLE)
    conn.commit()
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_notes.sql": _NOTES})

    recorded = baseline(conn, source, 1)

    assert recorded == ["001_people.sql"]
    row = conn.execute("SELECT version, checksum, baseline FROM peanut_migrations").fetchall()
    assert [tuple(r) for r in row] == [(1, sha256_of(tmp_path / "m" / "001_people.sql"), 1)]
    assert _tables(conn) == ["peanut_migrations", "people"]


def test_apply_after_baseline_runs_later_versions(tmp_path: Path, conn: sqlite3.Connection) -> None:
    conn.execute(_PEOPLE)
    conn.commit()
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_notes.sql": _NOTES})
    baseline(conn, source, 1)

    applied = apply_migrations(conn, [source])

    assert [m.file for m in applied] == ["002_notes.sql"]


def test_baseline_rejects_unknown_version(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE, "002_notes.sql": _NOTES})

    with pytest.raises(
        MigrationError, match=r"no migration version 5 \(versions: 1, 2\)"
    ) as caught:
        baseline(conn, source, 5)

    assert caught.value.source == "core"
    assert _tables(conn) == []


def test_baseline_rejects_open_transaction(tmp_path: Path, conn: sqlite3.Connection) -> None:
    source = write_source(tmp_path / "m", {"001_people.sql": _PEOPLE})
    conn.execute("CREATE TABLE scratch (x)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO scratch VALUES (1)")

    with pytest.raises(MigrationError, match="inside a transaction") as caught:
        baseline(conn, source, 1)

    assert caught.value.source == "core"
    assert conn.in_transaction
    conn.execute("ROLLBACK")
