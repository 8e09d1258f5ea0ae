"""Warn when an import updates events whose stored copies came from another file.

An event's identity is (source, UID, recurrence id), so two unrelated files of one
source that reuse a UID overwrite each other on every import. Identity stays as it is,
because UIDs are meant to be globally unique and a newer export of a calendar often
has another file name. The warning names the file the stored copy came from.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._store_report import ImportIssue
from ._store_rows import PreparedEvent

# An event this batch updated, and the file its stored copy had come from.
Replaced = tuple[PreparedEvent, str | None]


def is_other_file(stored: str | None, current: str | None) -> bool:
    """Tell whether a stored copy came from a known file other than ``current``."""
    return stored is not None and current is not None and stored != current


def replaced_warnings(
    file: str | None, source_file: str | None, replaced: Iterable[Replaced]
) -> list[ImportIssue]:
    """Return one warning per UID and earlier file, counting the occurrences of a series."""
    counts: dict[tuple[str, str, str | None], int] = {}
    for event, stored_file in replaced:
        source, uid, _recurrence_id = event.identity
        key = (source, uid, stored_file)
        counts[key] = counts.get(key, 0) + 1
    warnings = []
    for (source, uid, stored_file), count in counts.items():
        updated = "the event" if count == 1 else f"{count} occurrences of the series"
        reason = (
            f"this import from {source_file} updated {updated} last imported from another file, "
            f"{stored_file}: within one source ({source!r}) events with the same UID are one "
            "event. If the two files are separate calendars, import each with its own "
            "source (the --source option, or source= in the API)"
        )
        warnings.append(ImportIssue(file, uid, reason))
    return warnings
