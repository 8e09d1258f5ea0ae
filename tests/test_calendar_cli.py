"""The ``peanut-async calendar`` commands, in process through main() and as a subprocess."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _corpus import CORPUS, REPOSITORY

from peanut_async._cli import main
from peanut_async.plugins.calendar._cli import Progress

TEAM = REPOSITORY / "examples" / "calendars" / "team.ics"
WINDOW = ["--from", "2026-11-01", "--to", "2027-02-01"]
TEAM_SUMMARY = "28 created, 0 updated, 0 unchanged, 1 cancelled, 0 stale; 0 rejected, 0 warning(s)"


def ics(*events: str) -> bytes:
    body = "".join(events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


def vevent(uid: str, start: datetime | None, summary: str = "Meeting") -> str:
    lines = [f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"SUMMARY:{summary}"]
    if start is not None:
        lines.append(f"DTSTART:{start:%Y%m%dT%H%M%SZ}")
        lines.append(f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}")
    lines.append("ATTENDEE;CN=Alice;PARTSTAT=ACCEPTED:mailto:alice@example.com")
    return "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"


def run(*args: str | Path) -> int:
    return main([str(arg) for arg in args])


# calendar import ---------------------------------------------------------------------------


def test_import_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"

    code = run("calendar", "import", TEAM, "--db", db, *WINDOW)

    out = capsys.readouterr().out
    assert code == 0
    assert out == f"imported 1 file(s) into {db}: {TEAM_SUMMARY}\n"


def test_import_twice_reports_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"
    run("calendar", "import", TEAM, "--db", db, *WINDOW)
    capsys.readouterr()

    code = run("calendar", "import", TEAM, "--db", db, *WINDOW, "--json")

    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (payload["created"], payload["unchanged"], payload["cancelled"]) == (0, 29, 0)


def test_import_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"

    code = run("calendar", "import", TEAM, "--db", db, *WINDOW, "--json")

    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload == {
        "database": str(db),
        "files": [str(TEAM)],
        "created": 28,
        "updated": 0,
        "unchanged": 0,
        "cancelled": 1,
        "stale": 0,
        "errors": [],
        "warnings": [],
        "rejected_files": [],
    }


def test_import_rejected_event_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calendar_file = tmp_path / "mixed.ics"
    calendar_file.write_bytes(
        ics(vevent("good", datetime(2030, 1, 1, 10, tzinfo=UTC)), vevent("no-start", None))
    )

    code = run("calendar", "import", calendar_file, "--db", tmp_path / "peanut.db")

    out = capsys.readouterr().out.splitlines()
    assert code == 3
    assert out[0].endswith(
        "1 created, 0 updated, 0 unchanged, 0 cancelled, 0 stale; 1 rejected, 0 warning(s)"
    )
    assert out[1:] == ["rejected:", f"  {calendar_file}: event no-start: the event has no DTSTART"]


def test_import_rejected_file_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")
    missing = tmp_path / "missing.ics"

    code = run(
        "calendar",
        "import",
        TEAM,
        broken,
        missing,
        "--db",
        tmp_path / "peanut.db",
        *WINDOW,
        "--json",
    )

    payload = json.loads(capsys.readouterr().out)
    assert code == 3
    assert payload["created"] == 28
    assert payload["files"] == [str(TEAM)]
    assert payload["rejected_files"] == [str(broken), str(missing)]
    assert [(e["file"], e["event_id"]) for e in payload["errors"]] == [
        (str(broken), None),
        (str(missing), None),
    ]
    assert payload["errors"][1]["reason"] == "No such file or directory"


def test_import_only_rejected_files_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes(b"not a calendar at all")

    code = run("calendar", "import", broken, "--db", tmp_path / "peanut.db")

    out = capsys.readouterr().out
    assert code == 1
    assert f"  {broken}: " in out


def test_import_empty_file_warns_no_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "peanut.db"
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"")

    code = run("calendar", "import", empty, "--db", db)

    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        f"imported 1 file(s) into {db}: 0 created, 0 updated, 0 unchanged, 0 cancelled, "
        "0 stale; 0 rejected, 1 warning(s)",
        "warnings:",
        f"  {empty}: no events found in the file",
    ]


def test_import_file_with_only_rejected_event_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "peanut.db"
    bad = tmp_path / "bad.ics"
    bad.write_bytes(ics(vevent("no-start", None)))

    code = run("calendar", "import", bad, "--db", db)

    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        f"imported 0 file(s) into {db}: 0 created, 0 updated, 0 unchanged, 0 cancelled, "
        "0 stale; 1 rejected, 0 warning(s)",
        "rejected:",
        f"  {bad}: event no-start: the event has no DTSTART",
    ]


def test_import_rejected_file_beside_imported_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.ics"
    bad.write_bytes(ics(vevent("no-start", None)))

    code = run("calendar", "import", TEAM, bad, "--db", tmp_path / "peanut.db", *WINDOW, "--json")

    payload = json.loads(capsys.readouterr().out)
    assert code == 3
    assert payload["files"] == [str(TEAM)]
    assert payload["rejected_files"] == [str(bad)]
    assert [(e["file"], e["event_id"]) for e in payload["errors"]] == [(str(bad), "no-start")]


def test_import_empty_and_rejected_files_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"")
    bad = tmp_path / "bad.ics"
    bad.write_bytes(ics(vevent("no-start", None)))

    code = run("calendar", "import", empty, bad, "--db", tmp_path / "peanut.db", "--json")

    payload = json.loads(capsys.readouterr().out)
    assert code == 1  # no event was imported
    assert payload["files"] == [str(empty)]
    assert payload["rejected_files"] == [str(bad)]


def old_series(count: int) -> bytes:
    rule = "RRULE:FREQ=WEEKLY;COUNT=2"
    return ics(
        *(
            vevent(f"old-{number:02}", datetime(2010, 1, 4, 9, tzinfo=UTC)).replace(
                "END:VEVENT", f"{rule}\r\nEND:VEVENT"
            )
            for number in range(count)
        )
    )


OUTSIDE_WINDOW = (
    "the recurring series has no occurrence between 2026-11-01 00:00 and 2027-02-01 00:00 "
    "(UTC), so none of it was imported; to import it, pass --from and --to (window_start "
    "and window_end) that cover it"
)


def test_import_prints_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"
    old = tmp_path / "old.ics"
    old.write_bytes(old_series(1))

    code = run("calendar", "import", old, "--db", db, *WINDOW)

    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        f"imported 1 file(s) into {db}: 0 created, 0 updated, 0 unchanged, 0 cancelled, "
        "0 stale; 0 rejected, 1 warning(s)",
        "warnings:",
        f"  {old}: event old-00: {OUTSIDE_WINDOW}",
    ]


def test_import_lists_first_20_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.ics"
    old.write_bytes(old_series(25))

    run("calendar", "import", old, "--db", tmp_path / "peanut.db", *WINDOW)

    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("0 rejected, 25 warning(s)")
    assert out[1] == "warnings:"
    assert out[2:22] == [f"  {old}: event old-{n:02}: {OUTSIDE_WINDOW}" for n in range(20)]
    assert out[22:] == ["  ... and 5 more warning(s); pass -v or --json to list every warning"]


def test_import_verbose_lists_every_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.ics"
    old.write_bytes(old_series(25))

    run("-v", "calendar", "import", old, "--db", tmp_path / "peanut.db", *WINDOW)

    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 + 25
    assert out[-1] == f"  {old}: event old-24: {OUTSIDE_WINDOW}"


def test_import_json_lists_every_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.ics"
    old.write_bytes(old_series(25))

    run("calendar", "import", old, "--db", tmp_path / "peanut.db", *WINDOW, "--json")

    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert [warning["event_id"] for warning in warnings] == [f"old-{n:02}" for n in range(25)]
    assert {warning["reason"] for warning in warnings} == {OUTSIDE_WINDOW}


def test_import_format_mismatch_hides_file_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    google = CORPUS / "google" / "libkgapi__event1.json"

    code = run("calendar", "import", google, "--format", "ics", "--db", tmp_path / "peanut.db")

    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[-1] == (
        f"  {google}: the data is not iCalendar: it starts with '{{', as Google Calendar API "
        "JSON does; import it with format 'google' or 'auto' (the --format option)"
    )
    assert "kde.test" not in out
    assert "We shall meet" not in out


def test_import_help_states_window_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    code = run("calendar", "import", "--help")

    text = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "by default from 365 days before now to 365 days after" in text
    assert "(default: 365 days before now)" in text
    assert "3 when some files or events were rejected and at least one event was imported" in text
    assert "Give unrelated calendars their own --source." in text


def test_import_invalid_time_zone_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        "calendar", "import", TEAM, "--db", tmp_path / "peanut.db", "--timezone", "Mars/Olympus"
    )

    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines()[-1] == (
        "peanut-async calendar import: error: argument --timezone: unknown time zone "
        "'Mars/Olympus'; use an IANA name such as Europe/Berlin or UTC"
    )
    assert not (tmp_path / "peanut.db").exists()


def test_import_reversed_window_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        "calendar", "import", TEAM, "--db", tmp_path / "peanut.db",
        "--from", "2027-01-01", "--to", "2026-01-01",
    )  # fmt: skip

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("usage: peanut-async calendar import ")
    assert err.splitlines()[-1] == (
        "peanut-async calendar import: error: --to must be after --from: "
        "got --from 2027-01-01 and --to 2026-01-01"
    )
    assert not (tmp_path / "peanut.db").exists()


def test_import_window_compares_in_time_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 01:00 in Tokyo on 2 January is 16:00 UTC on 1 January, before the --from instant.
    code = run(
        "calendar", "import", TEAM, "--db", tmp_path / "peanut.db", "--timezone", "Asia/Tokyo",
        "--from", "2026-01-01T18:00+00:00", "--to", "2026-01-02T01:00",
    )  # fmt: skip

    assert code == 2
    assert "--to must be after --from" in capsys.readouterr().err


def test_import_from_after_default_end_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("calendar", "import", TEAM, "--db", tmp_path / "peanut.db", "--from", "2999-01-01")

    err = capsys.readouterr().err.splitlines()[-1]
    assert code == 2
    assert err.startswith(
        "peanut-async calendar import: error: --from 2999-01-01 is not before the default --to, "
        "365 days from now ("
    )
    assert err.endswith("); pass --to as well")


def test_import_invalid_date_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("calendar", "import", TEAM, "--db", tmp_path / "peanut.db", "--from", "next tuesday")

    assert code == 2
    assert "invalid date 'next tuesday'" in capsys.readouterr().err


def test_import_window_options_bound_expansion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "peanut.db"

    code = run(
        "calendar",
        "import",
        TEAM,
        "--db",
        db,
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-15T00:00",
        "--timezone",
        "Europe/Berlin",
        "--json",
    )

    assert code == 0
    json.loads(capsys.readouterr().out)
    with sqlite3.connect(db) as conn:
        instances = conn.execute(
            "SELECT recurrence_id FROM calendar_events WHERE uid = 'team-sync-7f3a@example.com' "
            "ORDER BY recurrence_id"
        ).fetchall()
    assert [row[0] for row in instances] == ["2026-12-07 09:00:00", "2026-12-14 09:00:00"]


def test_import_writes_no_progress_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("calendar", "import", TEAM, "--db", tmp_path / "peanut.db", *WINDOW)

    assert "\r" not in capsys.readouterr().err


def test_progress_redraws_one_line_on_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(stream)

    progress.show("[1/2] importing a.ics")
    progress.show("[2/2] importing b.ics")
    progress.clear()

    assert stream.getvalue() == (
        "\r\x1b[K[1/2] importing a.ics\r\x1b[K[2/2] importing b.ics\r\x1b[K"
    )


def test_progress_silent_without_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream)

    progress.show("[1/1] importing a.ics")
    progress.clear()

    assert stream.getvalue() == ""


# calendar upcoming -------------------------------------------------------------------------


def soon_calendar(tmp_path: Path) -> Path:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    path = tmp_path / "soon.ics"
    path.write_bytes(
        ics(
            vevent("in-2h", now + timedelta(hours=2), "Planning"),
            vevent("in-3d", now + timedelta(days=3), "Review"),
        )
    )
    return path


def test_upcoming_lists_meetings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"
    run("calendar", "import", soon_calendar(tmp_path), "--db", db)
    capsys.readouterr()

    code = run("calendar", "upcoming", "--db", db)

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(out) == 1
    assert out[0].endswith(" UTC  Planning (1 attendee(s))")


def test_upcoming_json_with_hours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"
    run("calendar", "import", soon_calendar(tmp_path), "--db", db)
    capsys.readouterr()

    code = run("calendar", "upcoming", "--hours", "96", "--db", db, "--json")

    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload["hours"] == 96
    assert [m["title"] for m in payload["meetings"]] == ["Planning", "Review"]
    assert payload["meetings"][0]["attendees"][0]["email"] == "alice@example.com"
    assert payload["meetings"][0]["attendees"][0]["response_status"] == "accepted"


def test_upcoming_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"
    run("calendar", "import", soon_calendar(tmp_path), "--db", db)
    capsys.readouterr()

    code = run("calendar", "upcoming", "--hours", "1", "--db", db)

    assert code == 0
    assert capsys.readouterr().out == "no meetings in the next 1 hours\n"


def test_upcoming_missing_database_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "absent.db"

    code = run("calendar", "upcoming", "--db", db)

    assert code == 1
    assert "does not exist" in capsys.readouterr().err
    assert not db.exists()


def test_upcoming_rejects_invalid_hours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "peanut.db"
    run("calendar", "import", TEAM, "--db", db, *WINDOW)
    capsys.readouterr()

    code = run("calendar", "upcoming", "--hours", "-5", "--db", db)

    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "peanut-async calendar upcoming: error: argument --hours: invalid number of hours '-5'; "
        "use a positive number of at most 878400"
    )


# As a subprocess ---------------------------------------------------------------------------


def test_subprocess_import_and_upcoming(tmp_path: Path) -> None:
    db = tmp_path / "peanut.db"
    env_python = [sys.executable, "-m", "peanut_async"]

    imported = subprocess.run(
        [*env_python, "calendar", "import", str(TEAM), "--db", str(db), *WINDOW],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    upcoming = subprocess.run(
        [*env_python, "calendar", "upcoming", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == f"imported 1 file(s) into {db}: {TEAM_SUMMARY}\n"
    assert "\r" not in imported.stderr
    assert upcoming.returncode == 0, upcoming.stderr
    assert json.loads(upcoming.stdout)["database"] == str(db)


def test_subprocess_partial_import_exit_status(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "peanut_async",
            "calendar",
            "import",
            str(TEAM),
            str(broken),
            "--db",
            str(tmp_path / "peanut.db"),
            *WINDOW,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 3
    assert f"  {broken}: " in result.stdout
