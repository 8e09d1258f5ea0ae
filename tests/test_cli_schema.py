"""Tests of the schema commands: migrate, status, baseline, check and plugins.

Most tests call ``peanut_async._cli.main(argv)`` in this process; a few run
``python -m peanut_async`` in a subprocess to cover the real entry point, exit codes and
standard error as a calling script gets them.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from peanut_async._cli import main
from peanut_async._connect import core_source
from peanut_async._registry import BLOCK_ENV, DISABLE_AUTOLOAD_ENV

_CORE_FILES = [migration.file for migration in core_source().load()]
_CORE_VERSIONS = [migration.version for migration in core_source().load()]


@pytest.fixture(autouse=True)
def _no_plugins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Installed plugins would add their own migrations and commands; these tests are
    # about the core. The default path is kept inside tmp_path.
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    monkeypatch.delenv("PEANUT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = _run(capsys, *argv, "--json")
    return code, json.loads(out)


def _assert_one_error_line(err: str, *fragments: str) -> None:
    assert err.startswith("peanut-async: error: ")
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def _migrated(capsys: pytest.CaptureFixture[str], path: Path) -> Path:
    assert main(["migrate", "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def _subprocess(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peanut_async", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEANUT_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env.update(extra)
    return env


# migrate -------------------------------------------------------------------------------


def test_migrate_applies_core_migrations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new.db"

    code, out, err = _run(capsys, "migrate", "--db", str(path))

    assert code == 0
    assert err == ""
    assert out.splitlines() == [
        f"applied {len(_CORE_FILES)} migration(s) to {path}",
        *(f"  core/{file}" for file in _CORE_FILES),
    ]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == max(
            _CORE_VERSIONS
        )


def test_migrate_json_lists_applied(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "new.db"

    code, payload = _run_json(capsys, "migrate", "--db", str(path))

    assert code == 0
    assert payload == {
        "database": str(path),
        "dry_run": False,
        "applied": [
            {"source": "core", "version": version, "file": file}
            for version, file in zip(_CORE_VERSIONS, _CORE_FILES, strict=True)
        ],
    }


def test_migrate_up_to_date_applies_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _migrated(capsys, tmp_path / "db.db")

    code, payload = _run_json(capsys, "migrate", "--db", str(path))

    assert code == 0
    assert payload["applied"] == []


def test_migrate_dry_run_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "folder" / "planned.db"

    code, payload = _run_json(capsys, "migrate", "--dry-run", "--db", str(path))

    assert code == 0
    assert payload["dry_run"] is True
    assert [item["file"] for item in payload["pending"]] == _CORE_FILES
    assert not path.parent.exists()


def test_migrate_dry_run_text_lists_pending(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "planned.db"

    code, out, _ = _run(capsys, "migrate", "--dry-run", "--db", str(path))

    assert code == 0
    assert out.splitlines()[0] == f"{len(_CORE_FILES)} migration(s) would run on {path}"
    assert not path.exists()


def test_migrate_newer_database_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _migrated(capsys, tmp_path / "db.db")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "INSERT INTO peanut_migrations (source, version, name, checksum, duration_ms)"
            " VALUES ('core', 999, 'future', 'x', 0)"
        )
        conn.commit()

    code, out, err = _run(capsys, "migrate", "--db", str(path))

    assert code == 1
    assert out == ""
    _assert_one_error_line(err, "version(s) 999", "Upgrade peanut-async")


def test_migrate_db_under_file_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")

    code, _, err = _run(capsys, "migrate", "--db", str(blocker / "sub" / "x.db"))

    assert code == 1
    _assert_one_error_line(err, f"the folder {blocker / 'sub'} of --db", "does not exist")


def test_migrate_missing_folder_of_db_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "typo" / "data" / "peanut.db"

    code, out, err = _run(capsys, "migrate", "--db", str(path))

    assert code == 1
    assert out == ""
    assert err == (
        f"peanut-async: error: the folder {path.parent} of --db {path} does not exist; "
        "create it first or correct the path\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_peanut_db_missing_folder_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "typo" / "peanut.db"
    monkeypatch.setenv("PEANUT_DB", str(path))

    code, _, err = _run(capsys, "baseline", "core", "1")

    assert code == 1
    _assert_one_error_line(err, f"the folder {path.parent} of PEANUT_DB {path} does not exist")
    assert not path.parent.exists()


def test_relative_xdg_data_home_is_ignored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")

    code, payload = _run_json(capsys, "migrate")

    expected = tmp_path / "home" / ".local" / "share" / "peanut-async" / "peanut.db"
    assert code == 0
    assert payload["database"] == str(expected)
    assert expected.exists()
    assert not (tmp_path / "relative").exists()


# status --------------------------------------------------------------------------------


def test_status_json_lists_applied(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _migrated(capsys, tmp_path / "db.db")

    code, payload = _run_json(capsys, "status", "--db", str(path))

    assert code == 0
    assert payload["exists"] is True
    assert payload["pending"] == []
    assert payload["ok"] is True
    migrations = payload["migrations"]
    assert [(m["source"], m["file"], m["checksum_ok"]) for m in migrations] == [
        ("core", file, True) for file in _CORE_FILES
    ]
    assert all(m["applied_at"] for m in migrations)


def test_status_of_missing_file_lists_pending(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "missing.db"

    code, payload = _run_json(capsys, "status", "--db", str(path))

    assert code == 0
    assert payload["exists"] is False
    assert [item["file"] for item in payload["pending"]] == _CORE_FILES
    assert not path.exists()


def test_status_quotes_uri_characters(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # '?' and '#' end the path part of a SQLite URI unless quoted.
    path = _migrated(capsys, tmp_path / "odd?name#1%20.db")

    code, payload = _run_json(capsys, "status", "--db", str(path))

    assert code == 0
    assert payload["pending"] == []
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("odd?")) == []


def test_status_non_database_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("plain text, not SQLite " * 50)

    code, _, err = _run(capsys, "status", "--db", str(path))

    assert code == 1
    _assert_one_error_line(err, f"{path} is not a peanut-async database (file is not a database)")
    assert "statement" not in err


@pytest.mark.parametrize("origin", ["--db", "PEANUT_DB"])
def test_status_of_directory_fails(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    origin: str,
) -> None:
    if origin == "--db":
        argv = ["status", "--db", str(tmp_path)]
    else:
        monkeypatch.setenv("PEANUT_DB", str(tmp_path))
        argv = ["status"]

    code, _, err = _run(capsys, *argv)

    assert code == 1
    assert err == (
        f"peanut-async: error: {origin} names {tmp_path}, which is a directory; pass the path "
        f"of a database file, such as {tmp_path / 'peanut.db'}\n"
    )


def test_status_pending_suggests_migrate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Installed plugins declare tables that only their pending migrations create.
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)

    code, out, _ = _run(capsys, "status", "--db", str(tmp_path / "new.db"))

    assert code == 0
    lines = out.splitlines()
    assert [line for line in lines if "add a migration" in line] == []
    (check,) = [line for line in lines if line.startswith("plugin check:")]
    assert check.startswith("plugin check: FAILED, ")
    assert check.endswith(" migrations are pending, so run `peanut-async migrate`")


def test_peanut_db_sets_default_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("PEANUT_DB", str(path))

    code, payload = _run_json(capsys, "migrate")

    assert code == 0
    assert payload["database"] == str(path)
    assert path.exists()


def test_peanut_db_expands_home(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PEANUT_DB", "~/memory.db")

    code, payload = _run_json(capsys, "migrate")

    assert code == 0
    assert payload["database"] == str(tmp_path / "home" / "memory.db")


def test_default_path_is_under_xdg_data_home(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, payload = _run_json(capsys, "migrate")

    expected = tmp_path / "xdg" / "peanut-async" / "peanut.db"
    assert code == 0
    assert payload["database"] == str(expected)
    assert stat.S_IMODE(expected.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(expected.stat().st_mode) == 0o600


# baseline ------------------------------------------------------------------------------


def test_baseline_records_without_running(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "adopted.db"
    last = max(_CORE_VERSIONS)

    code, payload = _run_json(capsys, "baseline", "core", str(last), "--db", str(path))

    assert code == 0
    assert payload["recorded"] == _CORE_FILES
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT version, baseline FROM peanut_migrations ORDER BY version")
        assert [tuple(row) for row in rows] == [(version, 1) for version in _CORE_VERSIONS]
        tables = conn.execute("SELECT name FROM sqlite_schema WHERE name = 'entities'")
        assert tables.fetchall() == []


def test_baseline_unknown_source_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "baseline", "nosuch", "1", "--db", str(tmp_path / "x.db"))

    assert code == 1
    _assert_one_error_line(err, "unknown migration source 'nosuch'", "known sources: core")


def test_baseline_unknown_version_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "baseline", "core", "99", "--db", str(tmp_path / "x.db"))

    assert code == 1
    _assert_one_error_line(err, "no migration version 99", "pass one of them")


# check ---------------------------------------------------------------------------------


def test_check_up_to_date_succeeds(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _migrated(capsys, tmp_path / "db.db")

    code, out, err = _run(capsys, "check", "--integrity", "--db", str(path))

    assert code == 0
    assert err == ""
    assert out.splitlines()[-2:] == ["integrity: ok", "check: ok"]


def test_check_pending_migrations_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = _run(capsys, "check", "--db", str(tmp_path / "missing.db"))

    assert code == 1
    assert out.splitlines()[-1] == "check: FAILED"
    assert err == (
        f"peanut-async: error: check failed: {len(_CORE_FILES)} migrations are pending; "
        "run `peanut-async migrate`\n"
    )


def test_check_with_plugins_keeps_error_line_short(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)

    code, out, err = _run(capsys, "check", "--db", str(tmp_path / "new.db"))

    assert code == 1
    _assert_one_error_line(err, "migrations are pending; run `peanut-async migrate`")
    assert len(err) <= 200 + len("peanut-async: error: \n")
    assert "add a migration" not in out
    assert "plugin check: FAILED, " in out


def test_check_changed_checksum_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _migrated(capsys, tmp_path / "db.db")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE peanut_migrations SET checksum = 'abc' WHERE version = 1")
        conn.commit()

    code, out, err = _run(capsys, "check", "--db", str(path))

    assert code == 1
    _assert_one_error_line(err, f"core/{_CORE_FILES[0]} was changed after it was applied")
    assert "stored checksum abc" in out


def test_check_integrity_reports_foreign_key_violation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _migrated(capsys, tmp_path / "db.db")
    with closing(sqlite3.connect(path)) as conn:
        # Foreign keys are off on this plain connection, so the orphan row goes in.
        conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))")
        conn.execute("INSERT INTO child VALUES (5)")
        conn.commit()

    code, payload = _run_json(capsys, "check", "--integrity", "--db", str(path))

    assert code == 1
    assert payload["integrity"] == [
        "foreign key violation: child row 1 references missing parent row"
    ]
    assert payload["ok"] is False


def _damaged(capsys: pytest.CaptureFixture[str], path: Path, page: str) -> Path:
    """Migrate ``path``, fill a table ``notes`` and overwrite one page with random bytes.

    ``page`` is ``"schema"`` (page 1, which lists every table) or ``"notes"`` (the root
    page of ``notes``).
    """
    _migrated(capsys, path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        rows = [(f"note {n}",) for n in range(500)]
        conn.executemany("INSERT INTO notes (body) VALUES (?)", rows)
        conn.commit()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'notes'").fetchone()[0]
    # Page 1 starts with the 100-byte file header, which stays intact.
    start = 100 if page == "schema" else (root - 1) * page_size
    end = page_size if page == "schema" else root * page_size
    data = bytearray(path.read_bytes())
    data[start:end] = random.Random(7).randbytes(end - start)
    path.write_bytes(bytes(data))
    return path


def test_check_integrity_names_unreadable_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _damaged(capsys, tmp_path / "damaged.db", "notes")

    code, out, err = _run(capsys, "check", "--integrity", "--db", str(path))

    assert code == 1
    lines = out.splitlines()
    assert "integrity: FAILED" in lines
    assert "  - table notes: cannot be read (database disk image is malformed)" in lines
    assert (
        f"next step: {path} is damaged: restore it from a backup, or save what is still "
        f"readable with `sqlite3 {path} .recover > recovered.sql`."
    ) in lines
    assert lines[-1] == "check: FAILED"
    _assert_one_error_line(err, "check failed: the integrity check found ")


def test_check_integrity_of_unreadable_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _damaged(capsys, tmp_path / "damaged.db", "schema")

    code, out, err = _run(capsys, "check", "--integrity", "--db", str(path))

    assert code == 1
    assert out == ""
    _assert_one_error_line(
        err,
        f"{path} cannot be read as a database at all",
        "restore it from a backup",
        f"`sqlite3 {path} .recover > recovered.sql`",
    )


def test_status_of_unreadable_schema_names_next_step(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _damaged(capsys, tmp_path / "damaged.db", "schema")

    code, _, err = _run(capsys, "status", "--db", str(path))

    assert code == 1
    _assert_one_error_line(
        err, f"reading {path} failed: database disk image is malformed. {path} is damaged"
    )


# plugins -------------------------------------------------------------------------------


def test_plugins_without_autoload_lists_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "plugins", "--db", str(tmp_path / "x.db"))

    assert code == 0
    assert out == (
        "no plugins loaded\n"
        f"note: {DISABLE_AUTOLOAD_ENV}=1 turns off loading installed plugins\n"
    )


def test_plugins_names_block_list(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)
    monkeypatch.setenv(BLOCK_ENV, "values, calendar")

    code, out, _ = _run(capsys, "plugins", "--db", str(tmp_path / "x.db"))

    assert code == 0
    assert out.splitlines()[-1] == f"note: {BLOCK_ENV} blocks plugin(s): calendar, values"
    assert "calendar (" not in out


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        pytest.param(
            BLOCK_ENV,
            "calendar",
            f"is blocked by {BLOCK_ENV}, so its commands are not loaded",
            id="blocked",
        ),
        pytest.param(
            DISABLE_AUTOLOAD_ENV,
            "1",
            f"is not loaded because {DISABLE_AUTOLOAD_ENV}=1 turns off loading installed plugins",
            id="autoload-off",
        ),
    ],
)
def test_command_of_unloaded_plugin_names_variable(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    reason: str,
) -> None:
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)
    monkeypatch.setenv(variable, value)

    code, _, err = _run(capsys, "-v", "calendar", "upcoming")

    assert code == 2
    assert "invalid choice" not in err
    expected = "peanut-async: error: unknown command 'calendar'; installed plugin 'calendar' "
    assert expected + reason in err


# usage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="no-command"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param(["baseline", "core"], id="missing-version"),
        pytest.param(["baseline", "core", "one"], id="version-not-integer"),
        pytest.param(["status", "--db"], id="db-without-path"),
        pytest.param(["--db", "x.db", "status"], id="db-before-command"),
    ],
)
def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = _run(capsys, *argv)

    assert code == 2
    assert "usage: peanut-async" in err


# The real entry point ------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["status"], id="status"),
        pytest.param(["plugins"], id="plugins"),
        pytest.param(["migrate", "--dry-run"], id="migrate-dry-run"),
        pytest.param(["check", "--integrity"], id="check"),
    ],
)
def test_module_closed_stdout_exits_quietly(tmp_path: Path, argv: list[str]) -> None:
    # The reading end is closed before the command starts, so every write to standard
    # output fails, as in `peanut-async status | head -0`.
    path = _migrated_in_subprocess(tmp_path)
    reading, writing = os.pipe()
    os.close(reading)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "peanut_async", *argv, "--db", str(path)],
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            env=_clean_env(tmp_path, **{DISABLE_AUTOLOAD_ENV: "1"}),
            timeout=60,
            check=False,
        )
    finally:
        os.close(writing)

    assert (result.returncode, result.stderr) == (141, "")


def _migrated_in_subprocess(tmp_path: Path) -> Path:
    path = tmp_path / "migrated.db"
    result = _subprocess(
        "migrate", "--db", str(path), env=_clean_env(tmp_path, **{DISABLE_AUTOLOAD_ENV: "1"})
    )
    assert result.returncode == 0
    return path


def test_module_verbose_after_command(tmp_path: Path) -> None:
    result = _subprocess(
        "migrate",
        "--db",
        str(tmp_path / "v.db"),
        "-v",
        env=_clean_env(tmp_path, **{DISABLE_AUTOLOAD_ENV: "1"}),
    )

    assert result.returncode == 0
    assert f"INFO peanut_async._migrations._runner: applied migration core/{_CORE_FILES[0]}" in (
        result.stderr
    )


def test_module_verbose_before_command(tmp_path: Path) -> None:
    result = _subprocess(
        "-v",
        "migrate",
        "--db",
        str(tmp_path / "v.db"),
        env=_clean_env(tmp_path, **{DISABLE_AUTOLOAD_ENV: "1"}),
    )

    assert result.returncode == 0
    assert "INFO peanut_async._migrations._runner: applied migration" in result.stderr


def test_module_migrate_json(tmp_path: Path) -> None:
    path = tmp_path / "sub.db"

    result = _subprocess(
        "migrate",
        "--db",
        str(path),
        "--json",
        env=_clean_env(tmp_path, **{DISABLE_AUTOLOAD_ENV: "1"}),
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert [item["file"] for item in json.loads(result.stdout)["applied"]] == _CORE_FILES


def test_module_failure_prints_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("plain text, not SQLite " * 50)

    result = _subprocess(
        "migrate", "--db", str(path), env=_clean_env(tmp_path, **{DISABLE_AUTOLOAD_ENV: "1"})
    )

    assert result.returncode == 1
    assert result.stdout == ""
    _assert_one_error_line(result.stderr, "file is not a database")


def test_module_usage_error_exits_2(tmp_path: Path) -> None:
    result = _subprocess("migrate", "--no-such-option", env=_clean_env(tmp_path))

    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr


def test_module_peanut_db_environment(tmp_path: Path) -> None:
    path = tmp_path / "env.db"

    result = _subprocess(
        "status",
        "--json",
        env=_clean_env(tmp_path, PEANUT_DB=str(path), **{DISABLE_AUTOLOAD_ENV: "1"}),
    )

    assert result.returncode == 0
    assert json.loads(result.stdout)["database"] == str(path)


def test_module_plugins_lists_builtins(tmp_path: Path) -> None:
    # Built-in plugins register through entry points like any third-party plugin.
    result = _subprocess(
        "plugins", "--json", "--db", str(tmp_path / "x.db"), env=_clean_env(tmp_path)
    )

    assert result.returncode == 0
    names = {row["name"] for row in json.loads(result.stdout)["plugins"]}
    assert {"calendar", "decisions", "values"} <= names
