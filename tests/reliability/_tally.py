"""A small plugin with a shared counter, for concurrent writers in several processes."""

from __future__ import annotations

from pathlib import Path

import peanut_async

_MIGRATION = """
CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counter (id, value) VALUES (1, 0);
CREATE TABLE counter_log (
    worker INTEGER NOT NULL,
    step INTEGER NOT NULL,
    PRIMARY KEY (worker, step)
);
"""


class TallyAPI:
    """The tally plugin has no API: it exists for its tables."""

    def __init__(self, db: peanut_async.Database) -> None:
        self.db = db


def write_migration(folder: Path) -> Path:
    """Write the tally plugin's one migration into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "001_counter.sql").write_text(_MIGRATION, encoding="utf-8")
    return folder


def tally_plugin(folder: Path) -> peanut_async.Plugin:
    """Return the tally plugin with its migration in ``folder``."""
    return peanut_async.Plugin(
        name="tally",
        tables={"counter": ("id", "value"), "counter_log": ("worker", "step")},
        api_factory=TallyAPI,
        migrations=folder,
    )
