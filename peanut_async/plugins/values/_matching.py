"""Keyword matching of free text (an action, an option, a commitment) against values."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from ._keywords import KNOWN_VALUES

Direction = Literal["supports", "conflicts"]


@lru_cache(maxsize=1024)
def _pattern(keyword: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in keyword.lower().split()]
    # Whole words only, any run of spaces or hyphens between words, optional plural "s".
    body = r"[\s\-]+".join(words)
    return re.compile(rf"(?<![a-z0-9]){body}s?(?![a-z0-9])", re.IGNORECASE)


def find_keyword(text: str, keywords: tuple[str, ...]) -> str | None:
    """Return the first of ``keywords``, in their order, that occurs in ``text``."""
    for keyword in keywords:
        if _pattern(keyword).search(text):
            return keyword
    return None


def support_keywords(name: str) -> tuple[str, ...]:
    """Return the keywords that mark a text as supporting value ``name``.

    They are the value's listed support keywords followed by its own name read as words.
    """
    known = KNOWN_VALUES.get(name)
    listed = known.supports if known is not None else ()
    return (*listed, name.replace("_", " "))


def conflict_keywords(name: str) -> tuple[str, ...]:
    """Return the keywords that mark a text as conflicting with value ``name``."""
    known = KNOWN_VALUES.get(name)
    return known.conflicts if known is not None else ()


def match_value(text: str, name: str) -> tuple[Direction, str] | None:
    """Tell whether ``text`` conflicts with or supports value ``name``, and by which keyword.

    Conflict keywords are tried first, so a text matching both is a conflict.
    """
    keyword = find_keyword(text, conflict_keywords(name))
    if keyword is not None:
        return "conflicts", keyword
    keyword = find_keyword(text, support_keywords(name))
    if keyword is not None:
        return "supports", keyword
    return None
