"""Turn the bytes of an .ics file into checked, unfolded text for the iCalendar parser.

icalendar decodes bytes with ``errors="replace"``, which would store U+FFFD in place
of bad bytes, and it unfolds lines after decoding, which breaks a character whose
UTF-8 bytes a fold split. So the bytes are unfolded and strictly decoded here first.
"""

from __future__ import annotations

import bisect
import re

from icalendar.parser import Contentline

from ..._errors import CalendarParseError

_BOM = b"\xef\xbb\xbf"
# RFC 5545 section 3.1: a line break followed by one space or tab continues the line.
# Bare LF line breaks are accepted too, because many exporters write them.
_FOLD = re.compile(rb"\r?\n[ \t]")
_STRUCTURE_KEYWORDS = ("BEGIN", "END")
_LINE_BREAK = re.compile(r"\r?\n")
# Google Calendar API JSON starts with an object or an array, and a dump of an HTTP
# response that carries it with the status line.
_JSON_STARTS = ("{", "[", "HTTP/")
# An error names a bad line by its first characters, up to the first colon, so that
# it shows the property name but not the value, which may be personal data.
_EXCERPT_LENGTH = 20


def decode_ics(data: bytes, file: str) -> str:
    """Return the unfolded text of ``data``.

    Raises CalendarParseError for a NUL byte or invalid UTF-8; ``offset`` is the
    position of the bad byte in ``data``.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CalendarParseError(
            f"the file contains a NUL byte at byte offset {nul}; an .ics file is text, "
            "so check that this is the right file and that it is not UTF-16 encoded",
            file=file,
            offset=nul,
        )
    skipped = len(_BOM) if data.startswith(_BOM) else 0
    body = data[skipped:]

    # Fold positions are kept so that a decoding error can name the offset in the
    # original bytes rather than in the unfolded copy.
    unfolded_positions: list[int] = []
    removed_before: list[int] = []
    pieces: list[bytes] = []
    position = 0
    removed = 0
    for fold in _FOLD.finditer(body):
        pieces.append(body[position : fold.start()])
        removed += fold.end() - fold.start()
        unfolded_positions.append(fold.start() - (removed - (fold.end() - fold.start())))
        removed_before.append(removed)
        position = fold.end()
    pieces.append(body[position:])
    unfolded = b"".join(pieces)

    try:
        return unfolded.decode("utf-8")
    except UnicodeDecodeError as error:
        index = bisect.bisect_right(unfolded_positions, error.start) - 1
        shift = removed_before[index] if index >= 0 else 0
        offset = skipped + error.start + shift
        raise CalendarParseError(
            f"invalid UTF-8 at byte offset {offset} (byte 0x{data[offset]:02x}); "
            "save the file as UTF-8 and import it again",
            file=file,
            offset=offset,
        ) from None


def check_structure(text: str, file: str) -> None:
    """Raise CalendarParseError unless every BEGIN line has a matching END line.

    icalendar silently drops a component that is never closed, so a truncated file
    would otherwise import part of its events without any error.
    """
    open_components: list[tuple[str, int]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line[:5].upper().startswith(_STRUCTURE_KEYWORDS):
            continue
        try:
            # icalendar leaves Contentline.__new__ unannotated.
            name, _params, value = Contentline(line).parts()  # type: ignore[no-untyped-call]
        except ValueError:
            continue
        name = name.upper()
        component = value.strip().upper()
        if name == "BEGIN":
            open_components.append((component, number))
        elif name == "END":
            _close(open_components, component, number, file)
    if open_components:
        component, number = open_components[-1]
        raise CalendarParseError(
            f"the file is truncated or broken: BEGIN:{component} on content line {number} has no "
            f"END:{component}",
            file=file,
        )


def _close(open_components: list[tuple[str, int]], component: str, number: int, file: str) -> None:
    if not open_components:
        raise CalendarParseError(
            f"the file is broken: END:{component} on content line {number} has no matching BEGIN",
            file=file,
        )
    expected, begin_line = open_components.pop()
    if expected != component:
        raise CalendarParseError(
            f"the file is broken: END:{component} on content line {number} closes "
            f"BEGIN:{expected} from content line {begin_line}",
            file=file,
        )


def reject_json(text: str, file: str) -> None:
    """Raise CalendarParseError, with a hint at the right format, for JSON text."""
    head = text.lstrip()
    for start in _JSON_STARTS:
        if head[: len(start)].upper() == start:
            raise CalendarParseError(
                f"the data is not iCalendar: it starts with {start!r}, as Google Calendar "
                "API JSON does; import it with format 'google' or 'auto' (the --format option)",
                file=file,
            )


def describe_parser_failure(text: str, error: Exception) -> str:
    """Return why the iCalendar parser failed, naming the first content line it cannot
    split into name, parameters and value.

    icalendar's own message quotes the whole content line, which can be a whole
    description or, for data that is not iCalendar, the whole file. So the message
    here quotes only the line's first characters before its value.
    """
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        try:
            Contentline(line).parts()  # type: ignore[no-untyped-call]
        except ValueError:
            return (
                f"content line {number} is not a valid iCalendar line: it starts with "
                f"{line_excerpt(line)!r}"
            )
    return f"the iCalendar parser failed ({type(error).__name__})"


def line_excerpt(line: str) -> str:
    """Return the start of a content line: up to its first colon, at most 20 characters."""
    name = line.split(":", 1)[0]
    if len(name) > _EXCERPT_LENGTH:
        return name[:_EXCERPT_LENGTH] + "..."
    return name
