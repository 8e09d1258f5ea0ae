"""Tests of split_statements: a migration script split the way SQLite reads it."""

from __future__ import annotations

import sqlite3

from peanut_async._migrations import split_statements


def test_split_plain_statements() -> None:
    script = "CREATE TABLE a (x);\nCREATE TABLE b (y);\n"

    assert split_statements(script) == ["CREATE TABLE a (x);", "CREATE TABLE b (y);"]


def test_split_keeps_trigger_body_whole() -> None:
    trigger = (
        "CREATE TRIGGER a_log AFTER INSERT ON a BEGIN\n"
        "    INSERT INTO log VALUES (new.x);\n"
        "    UPDATE counter SET n = n + 1;\n"
        "END;"
    )
    script = f"CREATE TABLE a (x);\n{trigger}\nCREATE TABLE c (z);"

    assert split_statements(script) == ["CREATE TABLE a (x);", trigger, "CREATE TABLE c (z);"]


def test_split_keeps_case_end_inside_trigger_body() -> None:
    # Only an END right after a ';' closes a trigger, so CASE ... END does not.
    trigger = (
        "CREATE TRIGGER a_sign AFTER INSERT ON a BEGIN\n"
        "    UPDATE a SET x = CASE WHEN new.x < 0 THEN -1 ELSE 1 END;\n"
        "END;"
    )

    assert split_statements(trigger + "\nSELECT 1;") == [trigger, "SELECT 1;"]


def test_split_ignores_semicolon_in_string_literal() -> None:
    statement = "INSERT INTO notes VALUES ('first; second;; third');"

    assert split_statements(statement + "\nSELECT 2;") == [statement, "SELECT 2;"]


def test_split_ignores_semicolon_in_quoted_identifier() -> None:
    statement = 'CREATE TABLE "odd;name" ("col;umn" TEXT);'

    assert split_statements(statement + " SELECT 3;") == [statement, "SELECT 3;"]


def test_split_ignores_semicolon_in_comments() -> None:
    script = (
        "-- a line comment; with a semicolon\n"
        "CREATE TABLE a (x); /* a block; comment */\n"
        "CREATE TABLE b (y);"
    )

    assert split_statements(script) == [
        "-- a line comment; with a semicolon\nCREATE TABLE a (x);",
        "/* a block; comment */\nCREATE TABLE b (y);",
    ]


def test_split_keeps_comment_line_with_its_statement() -> None:
    script = "-- the people table\nCREATE TABLE people (id TEXT);"

    assert split_statements(script) == [script]


def test_split_statement_after_comment_line_executes() -> None:
    script = "-- first\nCREATE TABLE a (x);\n-- second; still a comment\nCREATE TABLE b (y);\n"
    conn = sqlite3.connect(":memory:")
    try:
        for statement in split_statements(script):
            conn.execute(statement)
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_schema ORDER BY name")]
    finally:
        conn.close()

    assert tables == ["a", "b"]


def test_split_drops_trailing_comment() -> None:
    script = "CREATE TABLE a (x);\n-- the end; nothing follows\n/* really */\n"

    assert split_statements(script) == ["CREATE TABLE a (x);"]


def test_split_keeps_unterminated_last_statement() -> None:
    script = "CREATE TABLE a (x);\nCREATE TABLE b (y)  -- no semicolon"

    assert split_statements(script) == [
        "CREATE TABLE a (x);",
        "CREATE TABLE b (y)  -- no semicolon",
    ]


def test_split_drops_empty_statements() -> None:
    assert split_statements(";\n;  ;\nSELECT 1;;") == ["SELECT 1;"]


def test_split_empty_script() -> None:
    assert split_statements("") == []
    assert split_statements("  \n-- only a comment\n") == []
