"""Find the video-call link of an event in free text."""

from __future__ import annotations

import re

# Links to the common meeting services only, because a LOCATION or DESCRIPTION also
# contains links to agendas, maps and documents, which are not the place to join.
_MEETING_LINK = re.compile(
    r"https://(?:[a-z0-9-]+\.)*"
    r"(?:zoom\.us|zoomgov\.com|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com"
    r"|webex\.com|whereby\.com|meet\.jit\.si)"
    r"(?:/[^\s<>\"'\\]*)?",
    re.IGNORECASE,
)
# Characters that end a sentence or close a bracket are not part of a link.
_TRAILING = ".,;:!?)]}"


def find_meeting_link(*texts: str | None) -> str | None:
    """Return the first Zoom, Google Meet, Teams, Webex, Whereby or Jitsi link in
    ``texts``, searched in order, or None."""
    for text in texts:
        if not text:
            continue
        match = _MEETING_LINK.search(text)
        if match is not None:
            return match.group(0).rstrip(_TRAILING)
    return None


def absolute_http_url(value: str | None) -> str | None:
    """Return ``value`` stripped when it is an absolute http(s) URL, else None.

    Relative links (Discourse writes ``URL:/c/…``) cannot be opened from a calendar.
    """
    if value is None:
        return None
    text = value.strip()
    if re.match(r"https?://[^\s/]+", text, re.IGNORECASE):
        return text
    return None
