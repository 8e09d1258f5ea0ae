"""Migration sources: a named folder of ``NNN_description.sql`` files."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path

import attrs

from .._errors import MigrationFileError

_FILE_NAME = re.compile(r"^(?P<version>[0-9]+)_(?P<name>[A-Za-z0-9][A-Za-z0-9_\-]*)\.sql$")


@attrs.frozen
class MigrationFile:
    """One migration: its version, description, file name, SQL text and checksum."""

    version: int
    name: str
    file: str
    sql: str
    checksum: str


@attrs.frozen
class MigrationSource:
    """A named folder of migrations: ``core`` for the schema, or a plugin's own."""

    name: str
    folder: Path | Traversable

    def load(self) -> tuple[MigrationFile, ...]:
        """Read and validate every migration file, ordered by version.

        Raises :class:`MigrationFileError` naming the files when a ``.sql`` file's name
        does not match ``NNN_description.sql`` or two files share one version.
        """
        files: dict[int, MigrationFile] = {}
        malformed: list[str] = []
        for entry in _sql_files(self.folder):
            match = _FILE_NAME.match(entry.name)
            if match is None:
                malformed.append(entry.name)
                continue
            migration = _read(entry, int(match["version"]), match["name"], self.name)
            if migration.version in files:
                other = files[migration.version].file
                raise MigrationFileError(
                    f"migration source {self.name!r} has two files with version "
                    f"{migration.version}: {other} and {entry.name}. Give each file its own "
                    "version number.",
                    source=self.name,
                    files=sorted([other, entry.name]),
                )
            files[migration.version] = migration
        if malformed:
            raise MigrationFileError(
                f"migration source {self.name!r} has .sql files whose names do not match "
                f"NNN_description.sql: {', '.join(sorted(malformed))}. Rename them, for "
                "example 004_add_index.sql.",
                source=self.name,
                files=sorted(malformed),
            )
        return tuple(files[version] for version in sorted(files))


def _sql_files(folder: Path | Traversable) -> Iterator[Traversable]:
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_file() and entry.name.lower().endswith(".sql"):
            yield entry


def _read(entry: Traversable, version: int, name: str, source: str) -> MigrationFile:
    data = entry.read_bytes()
    try:
        sql = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MigrationFileError(
            f"migration file {entry.name} is not valid UTF-8 at byte {error.start}; "
            "save it as UTF-8.",
            source=source,
            files=[entry.name],
        ) from error
    return MigrationFile(
        version=version,
        name=name,
        file=entry.name,
        sql=sql,
        checksum=hashlib.sha256(data).hexdigest(),
    )
