"""Tell iCalendar data from Google Calendar API JSON."""

from __future__ import annotations

from pathlib import PurePath
from typing import Literal

CalendarFormat = Literal["ics", "google"]

_ICS_SUFFIXES = frozenset({".ics", ".ical", ".icalendar", ".ifb", ".vcs"})
_GOOGLE_SUFFIXES = frozenset({".json"})
_BOM = b"\xef\xbb\xbf"
# Enough to skip a BOM, blank lines and indentation before the first token.
_SNIFF_BYTES = 4096


def detect_format(data: bytes, file: str = "") -> CalendarFormat:
    """Return ``"ics"`` or ``"google"`` for calendar data.

    The file name's extension decides first (``.ics``, ``.ical``, ``.icalendar``,
    ``.ifb`` and ``.vcs`` are iCalendar; ``.json`` is Google). Otherwise the content
    decides: data starting with ``{`` or ``[`` (JSON) or ``HTTP/`` (an HTTP response
    dump with a JSON body) is Google, and anything else is treated as iCalendar, whose
    parser rejects data that is not a calendar.
    """
    suffix = PurePath(file).suffix.lower() if file else ""
    if suffix in _ICS_SUFFIXES:
        return "ics"
    if suffix in _GOOGLE_SUFFIXES:
        return "google"
    head = bytes(data[:_SNIFF_BYTES])
    head = head.removeprefix(_BOM).lstrip()
    if head.startswith((b"{", b"[", b"HTTP/")):
        return "google"
    return "ics"
