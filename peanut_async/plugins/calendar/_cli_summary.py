"""The summary of ``peanut-async calendar import``: text or JSON, and the exit status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..._cli._common import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, emit
from ._store_report import ImportIssue, ImportReport, combine_reports

MAX_LISTED_WARNINGS = 20
"""Warnings the text summary lists without ``-v``; ``--json`` always lists all."""

EXIT_STATUS_HELP = (
    "Exit status: 0 when no file and no event was rejected (warnings do not count); "
    "3 when some files or events were rejected and at least one event was imported; "
    "1 when files or events were rejected and no event was imported, or the command "
    "failed; 2 for invalid options. A file counts as imported unless it could not be "
    "read or parsed, or every one of its events was rejected."
)


@attrs.frozen
class ImportSummary:
    """The result of one ``calendar import`` over every file given."""

    # Counts, errors and warnings of every file that was parsed.
    total: ImportReport
    # Files that could not be read or parsed, then every rejected event.
    errors: tuple[ImportIssue, ...]
    imported_files: tuple[str, ...]
    # Files that could not be read or parsed, or whose events were all rejected.
    rejected_files: tuple[str, ...]

    @property
    def exit_status(self) -> int:
        """The exit status that :data:`EXIT_STATUS_HELP` describes."""
        if not self.errors:
            return EXIT_OK
        return EXIT_PARTIAL if self.total.total else EXIT_FAILED


def summarize(
    outcomes: Sequence[ImportReport | ImportIssue],
) -> ImportSummary:
    """Combine the outcome of each file, in the order given: its report, or the issue
    that rejected the whole file."""
    reports = [outcome for outcome in outcomes if isinstance(outcome, ImportReport)]
    unreadable = [outcome for outcome in outcomes if isinstance(outcome, ImportIssue)]
    imported: list[str] = []
    rejected: list[str] = []
    for outcome in outcomes:
        if isinstance(outcome, ImportIssue):
            rejected.append(str(outcome.file))
        elif outcome.total or not outcome.errors:
            imported.extend(outcome.files)
        else:
            rejected.extend(outcome.files)
    total = combine_reports(reports)
    return ImportSummary(
        total=total,
        errors=(*unreadable, *total.errors),
        imported_files=tuple(imported),
        rejected_files=tuple(rejected),
    )


def summary_json(path: str, summary: ImportSummary) -> dict[str, Any]:
    """Return the summary as the JSON object that ``--json`` prints."""
    payload = summary.total.to_dict()
    payload["database"] = path
    payload["files"] = list(summary.imported_files)
    payload["errors"] = [issue.to_dict() for issue in summary.errors]
    payload["rejected_files"] = list(summary.rejected_files)
    return payload


def print_summary(path: str, summary: ImportSummary, *, verbose: bool) -> None:
    """Print the counts, every rejected file or event, and the warnings.

    Without ``verbose``, only the first :data:`MAX_LISTED_WARNINGS` warnings are listed.
    """
    total = summary.total
    emit(
        f"imported {len(summary.imported_files)} file(s) into {path}: {total.created} created, "
        f"{total.updated} updated, {total.unchanged} unchanged, {total.cancelled} cancelled, "
        f"{total.stale} stale; {len(summary.errors)} rejected, {len(total.warnings)} warning(s)"
    )
    if summary.errors:
        emit("rejected:")
        for issue in summary.errors:
            emit(f"  {issue.describe()}")
    if not total.warnings:
        return
    emit("warnings:")
    listed = total.warnings if verbose else total.warnings[:MAX_LISTED_WARNINGS]
    for issue in listed:
        emit(f"  {issue.describe()}")
    hidden = len(total.warnings) - len(listed)
    if hidden:
        emit(f"  ... and {hidden} more warning(s); pass -v or --json to list every warning")
