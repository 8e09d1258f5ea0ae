"""detect_format: extension first, then content."""

from __future__ import annotations

from pathlib import Path

import pytest
from _corpus import corpus_files

from peanut_async.plugins.calendar._formats import detect_format


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("work.ics", "ics"),
        ("WORK.ICS", "ics"),
        ("a/b.ical", "ics"),
        ("events.json", "google"),
        ("x.JSON", "google"),
    ],
)
def test_extension_decides_first(file: str, expected: str) -> None:
    # The content points to the other format, so only the extension can decide.
    data = b'{"items": []}' if expected == "ics" else b"BEGIN:VCALENDAR\r\n"

    assert detect_format(data, file) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"items": []}', "google"),
        (b"\xef\xbb\xbf  \r\n[{}]", "google"),
        (b"HTTP/1.1 200 OK\r\n\r\n{}", "google"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "ics"),
        (b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n", "ics"),
        (b"", "ics"),
        (b"hello", "ics"),
    ],
)
def test_content_decides_without_known_extension(data: bytes, expected: str) -> None:
    assert detect_format(data, "download.txt") == expected
    assert detect_format(data) == expected


@pytest.mark.parametrize(
    "path", corpus_files("ics") + corpus_files("google"), ids=lambda path: path.name
)
def test_corpus_files_are_detected(path: Path) -> None:
    expected = "ics" if path.suffix == ".ics" else "google"

    assert detect_format(path.read_bytes(), path.name) == expected
    assert detect_format(path.read_bytes()) == expected
