"""Benchmark databases: a migrated template copied for every timed run, and plain connections."""

from __future__ import annotations

import shutil
import sqlite3
from itertools import count
from pathlib import Path

import peanut_async
from peanut_async._connect import DEFAULT_BUSY_TIMEOUT
from peanut_async._sqlite import configure

# Loading the built-in plugins by name keeps any other installed plugin (such as the
# peanut-habits example) out of the measurements.
BUILT_IN_PLUGINS = ("calendar", "decisions", "values")


class Workspace:
    """A folder of benchmark databases, each a copy of one freshly migrated template.

    Copying the template gives every timed run an identical, fully migrated database
    without paying for the migrations inside the run.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._template: Path | None = None
        self._numbers = count(1)

    async def fresh_database(self, label: str) -> Path:
        """Return the path of a new migrated database file named after ``label``."""
        template = await self._ensure_template()
        path = self.root / f"{label}-{next(self._numbers)}.db"
        shutil.copyfile(template, path)
        return path

    def new_path(self, label: str) -> Path:
        """Return the path of a database file that does not exist yet."""
        return self.root / f"{label}-{next(self._numbers)}.db"

    async def _ensure_template(self) -> Path:
        if self._template is None:
            path = self.root / "template.db"
            # Closing the last connection checkpoints the WAL into the file, so the
            # file alone is a complete copy.
            async with peanut_async.connect(path, plugins=BUILT_IN_PLUGINS):
                pass
            self._template = path
        return self._template


def remove_database(path: Path) -> None:
    """Delete a database file and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def open_plain(path: Path) -> sqlite3.Connection:
    """Open ``path`` with plain sqlite3 and the pragmas the library sets on its own connection.

    The library's own ``configure`` sets them, so a pragma the library adds or changes
    (a larger page cache, say) applies to the plain connection too.
    """
    connection = sqlite3.connect(path, isolation_level=None)
    configure(connection, busy_timeout=DEFAULT_BUSY_TIMEOUT, in_memory=False)
    return connection
