"""Write migration folders for tests that exercise the runner without the core schema."""

from __future__ import annotations

import hashlib
from pathlib import Path

from peanut_async._migrations import MigrationSource


def write_source(folder: Path, files: dict[str, str], name: str = "core") -> MigrationSource:
    """Create ``folder`` holding ``files`` (file name to SQL) and return it as a source."""
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, sql in files.items():
        (folder / file_name).write_text(sql, encoding="utf-8")
    return MigrationSource(name, folder)


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes, the checksum the history stores."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
