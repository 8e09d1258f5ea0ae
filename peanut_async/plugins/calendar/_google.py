"""Parse Google Calendar API event JSON into calendar events."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..._errors import CalendarParseError, ValidationError
from ._dedupe import Candidate, keep_latest
from ._expand import SeriesPart, events_of_uid
from ._google_event import read_item
from ._google_times import ItemError
from ._ics_zones import zone_by_name
from ._issues import NO_EVENTS, IssueLog
from ._model import CalendarEvent, ParsedCalendar
from ._window import default_zone, resolve_window

_BOM = b"\xef\xbb\xbf"
_ICS_START = "BEGIN:"
# A dump of an HTTP response: status line and headers, a blank line, then the body.
_HTTP_BODY = re.compile(r"\AHTTP/[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n", re.IGNORECASE)


def parse_google(
    data: bytes | str | Mapping[str, Any],
    *,
    file: str,
    window_start: datetime | date | None = None,
    window_end: datetime | date | None = None,
    default_timezone: str = "UTC",
    source: str = "google",
    now: datetime | None = None,
) -> ParsedCalendar:
    """Parse Google Calendar API event JSON into events, errors and warnings.

    ``data`` is an events list (``{"items": [...]}``), a single event resource, a
    JSON array of resources, or a dump of the HTTP response that carries one of them
    (status line and headers, a blank line, then the JSON). It may be bytes, text or
    an already decoded mapping. Each event's source id is its ``id``; an instance of a
    recurring event (``recurringEventId`` and ``originalStartTime``) is identified by
    its series id and original start. An event with ``recurrence`` lines is expanded
    into its occurrences that start inside [``window_start``, ``window_end``), as
    :func:`parse_ics` does. The window bounds recurrence expansion only. Without a
    window, it runs from ``now`` minus 365 days to ``now`` plus 365 days, and ``now``
    defaults to the current time.

    Times without an offset are read in ``start.timeZone``, else the list's
    ``timeZone``, else ``default_timezone``. One resource that cannot be read is
    listed in ``errors`` and the others are imported. Blank data or an empty
    ``items`` list gives no events and the warning "no events found in the file".
    Raises CalendarParseError for data that is not JSON (with a hint when it is
    iCalendar) or is JSON of another shape, and ValidationError for a bad argument.
    """
    zone = default_zone(default_timezone)
    window = resolve_window(window_start, window_end, now, zone)
    issues = IssueLog(file)
    if _is_blank(data):
        issues.warning(None, NO_EVENTS)
        return issues.result(())
    payload = _load(data, file)
    items, calendar_zone_name = _items(payload, file)
    if not items:
        issues.warning(None, NO_EVENTS)
    calendar_zone = zone
    if calendar_zone_name is not None:
        calendar_zone = zone_by_name(calendar_zone_name) or zone
        if calendar_zone is zone and calendar_zone_name != zone.key:
            issues.warning(
                None, f"the list's timeZone {calendar_zone_name!r} is unknown; used {zone.key}"
            )

    candidates: list[Candidate] = []
    prototypes: dict[int, CalendarEvent] = {}
    for position, item in enumerate(items):
        if not isinstance(item, Mapping):
            issues.error(None, f"item {position} is not a JSON object: {item!r:.80}")
            continue
        try:
            candidate, event = read_item(item, position, calendar_zone, source, issues)
        except (ItemError, ValidationError) as error:
            issues.error(_item_id(item), str(error))
            continue
        candidates.append(candidate)
        prototypes[position] = event

    parts: dict[str, list[SeriesPart]] = {}
    for candidate in keep_latest(candidates, issues):
        part = SeriesPart(
            candidate.component, prototypes[candidate.rank[3]], candidate.key, candidate.event_id
        )
        parts.setdefault(candidate.uid, []).append(part)
    events: list[CalendarEvent] = []
    for uid_parts in parts.values():
        events.extend(events_of_uid(uid_parts, (), window, issues))
    return issues.result(events)


def _load(data: bytes | str | Mapping[str, Any], file: str) -> Any:
    if isinstance(data, Mapping):
        return data
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data).removeprefix(_BOM)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            offset = error.start + (len(data) - len(raw))
            raise CalendarParseError(
                f"invalid UTF-8 at byte offset {offset}; JSON must be UTF-8 encoded",
                file=file,
                offset=offset,
            ) from None
    elif isinstance(data, str):
        text = data
    else:
        raise ValidationError("data", data, "bytes, str or a mapping")
    stripped = text.lstrip()
    if stripped[:5].upper() == "HTTP/":
        match = _HTTP_BODY.match(stripped)
        if match is None:
            raise CalendarParseError(
                "the HTTP response has no blank line before its body", file=file
            )
        stripped = stripped[match.end() :]
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as error:
        reason = f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        if stripped[: len(_ICS_START)].upper() == _ICS_START:
            reason += (
                f"; the data starts with {_ICS_START!r}, as iCalendar does, so import it with "
                "format 'ics' or 'auto' (the --format option)"
            )
        raise CalendarParseError(reason, file=file) from None
    except RecursionError:
        raise CalendarParseError("the JSON is nested too deeply to read", file=file) from None
    except ValueError as error:
        # json.loads raises a plain ValueError for an integer longer than Python's
        # integer string conversion limit.
        raise CalendarParseError(f"invalid JSON: {error}", file=file) from None


def _is_blank(data: bytes | str | Mapping[str, Any]) -> bool:
    if isinstance(data, bytes | bytearray | memoryview):
        return not bytes(data).removeprefix(_BOM).strip()
    return isinstance(data, str) and not data.strip()


def _items(payload: Any, file: str) -> tuple[list[Any], str | None]:
    if isinstance(payload, list):
        return payload, None
    if not isinstance(payload, Mapping):
        raise CalendarParseError(
            f"expected a JSON object or array of events, got {type(payload).__name__}", file=file
        )
    zone_name = payload.get("timeZone")
    zone_name = zone_name if isinstance(zone_name, str) else None
    if "items" in payload:
        items = payload["items"]
        if not isinstance(items, list):
            raise CalendarParseError(
                f"'items' must be a list, got {type(items).__name__}", file=file
            )
        return items, zone_name
    if "start" in payload or "id" in payload or payload.get("kind") == "calendar#event":
        return [payload], None
    raise CalendarParseError(
        "the JSON contains no events: expected an events list with 'items' or a single event "
        "resource with 'id' and 'start'",
        file=file,
    )


def _item_id(item: Mapping[str, Any]) -> str | None:
    for field in ("recurringEventId", "id"):
        value = item.get(field)
        if isinstance(value, str) and value:
            return value
    return None
