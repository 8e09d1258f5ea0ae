"""Several processes migrating one new database file at the same moment.

Each process is a separate Python interpreter. It writes a ``ready`` file and then waits
for a ``go`` file, which the test creates once every process is ready, so all of them
open the database and migrate it at about the same time.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

from _migration_files import write_source

_PROCESSES = 6

_BARRIER = """
import sys, time
from pathlib import Path

barrier = Path(sys.argv[1])
(barrier / f"ready-{sys.argv[2]}").touch()
deadline = time.monotonic() + 60
while not (barrier / "go").exists():
    if time.monotonic() > deadline:
        sys.exit("barrier timed out")
    time.sleep(0.001)
"""

_RUNNER_SCRIPT = (
    _BARRIER
    + """
import sqlite3
from peanut_async._migrations import MigrationSource, apply_migrations

conn = sqlite3.connect(sys.argv[3], isolation_level=None, timeout=30)
conn.execute("PRAGMA foreign_keys = ON")
applied = apply_migrations(conn, [MigrationSource("core", Path(sys.argv[4]))])
conn.close()
print(len(applied))
"""
)

_CONNECT_SCRIPT = (
    _BARRIER
    + """
import asyncio
import peanut_async

PROBE = peanut_async.Plugin(
    name="probe", tables={"probe_runs": ("n",)}, api_factory=lambda db: None,
    migrations=Path(sys.argv[4]),
)

async def main():
    async with peanut_async.connect(sys.argv[3], plugins=(), register=[PROBE]) as db:
        print(await db.fetch_value("SELECT count(*) FROM probe_runs"))

asyncio.run(main())
"""
)

# Each migration inserts one row into probe_runs, so a migration that ran twice (and
# was not rolled back) shows up as an extra row even though history keys are unique.
_PROBE_MIGRATIONS = {
    "001_probe.sql": (
        "CREATE TABLE probe_runs (n INTEGER NOT NULL);\nINSERT INTO probe_runs VALUES (1);"
    ),
    "002_second.sql": "INSERT INTO probe_runs VALUES (2);",
    "003_third.sql": (
        "CREATE INDEX idx_probe_runs_n ON probe_runs (n);\nINSERT INTO probe_runs VALUES (3);"
    ),
}


def _run_at_once(
    script: str, tmp_path: Path, db: Path, folder: Path
) -> list[subprocess.CompletedProcess[str]]:
    script_path = tmp_path / "migrate_once.py"
    script_path.write_text(textwrap.dedent(script), encoding="utf-8")
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    processes = [
        subprocess.Popen(
            [sys.executable, str(script_path), str(barrier), str(index), str(db), str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(_PROCESSES)
    ]
    deadline = time.monotonic() + 60
    while len(list(barrier.glob("ready-*"))) < _PROCESSES and time.monotonic() < deadline:
        time.sleep(0.005)
    (barrier / "go").touch()
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=90)
        results.append(
            subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        )
    return results


def _probe_state(db: Path) -> tuple[list[tuple[str, int]], list[int]]:
    with closing(sqlite3.connect(db)) as conn:
        history = conn.execute(
            "SELECT source, version FROM peanut_migrations WHERE source != 'core'"
            " ORDER BY source, version"
        ).fetchall()
        runs = [row[0] for row in conn.execute("SELECT n FROM probe_runs ORDER BY n")]
    return [tuple(row) for row in history], runs


def test_runner_processes_migrate_new_file_once(tmp_path: Path) -> None:
    folder = write_source(tmp_path / "m", _PROBE_MIGRATIONS, name="probe").folder
    db = tmp_path / "shared.db"

    results = _run_at_once(_RUNNER_SCRIPT, tmp_path, db, Path(str(folder)))

    assert [(r.returncode, r.stderr) for r in results] == [(0, "")] * _PROCESSES
    # Every migration was applied by exactly one of the processes.
    assert sum(int(r.stdout) for r in results) == len(_PROBE_MIGRATIONS)
    with closing(sqlite3.connect(db)) as conn:
        history = conn.execute("SELECT source, version FROM peanut_migrations ORDER BY version")
        assert [tuple(row) for row in history] == [("core", 1), ("core", 2), ("core", 3)]
        assert [row[0] for row in conn.execute("SELECT n FROM probe_runs ORDER BY n")] == [1, 2, 3]


def test_connect_processes_migrate_new_file_once(tmp_path: Path) -> None:
    folder = write_source(tmp_path / "m", _PROBE_MIGRATIONS, name="probe").folder
    db = tmp_path / "shared.db"

    results = _run_at_once(_CONNECT_SCRIPT, tmp_path, db, Path(str(folder)))

    assert [(r.returncode, r.stderr, r.stdout) for r in results] == [(0, "", "3\n")] * _PROCESSES
    history, runs = _probe_state(db)
    assert history == [("probe", 1), ("probe", 2), ("probe", 3)]
    assert runs == [1, 2, 3]
    with closing(sqlite3.connect(db)) as conn:
        core = conn.execute(
            "SELECT version, count(*) FROM peanut_migrations WHERE source = 'core' GROUP BY version"
        ).fetchall()
        assert core
        assert all(count == 1 for _, count in core)
