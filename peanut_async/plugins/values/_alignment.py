"""Alignment of an action with the user's top values.

Rules of :func:`assess_alignment`:

- Each of the given values is matched against the action's text with the keyword
  tables of ``_keywords.py``. A value lands in ``conflicts`` or ``supports``, never both.
- With ``is_urgent``, conflicts with values in ``URGENCY_EXCUSED_CATEGORIES`` (the time
  category) are dropped: urgency excuses spending time differently. Supports stay.
- The action is aligned when nothing conflicts, or when the supported values' total
  strength exceeds the conflicting values' total strength. A tie is not aligned.
- An action that is not aligned gets a recommendation naming the conflicting values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ._keywords import URGENCY_EXCUSED_CATEGORIES
from ._matching import match_value
from ._model import Alignment, UserValue, ValueMatch


def assess_alignment(values: Iterable[UserValue], action: str, *, is_urgent: bool) -> Alignment:
    """Match ``action`` against ``values`` (strongest first) and judge the result."""
    supports: list[ValueMatch] = []
    conflicts: list[ValueMatch] = []
    for value in values:
        found = match_value(action, value.name)
        if found is None:
            continue
        direction, keyword = found
        match = ValueMatch(name=value.name, strength=value.strength, keyword=keyword)
        if direction == "supports":
            supports.append(match)
        elif not (is_urgent and value.category in URGENCY_EXCUSED_CATEGORIES):
            conflicts.append(match)

    is_aligned = not conflicts or _total(supports) > _total(conflicts)
    recommendation = None if is_aligned else _recommend(supports, conflicts)
    return Alignment(
        supports=tuple(supports),
        conflicts=tuple(conflicts),
        is_aligned=is_aligned,
        recommendation=recommendation,
    )


def _total(matches: Sequence[ValueMatch]) -> float:
    # Rounded like stored strengths, so float noise cannot break a tie.
    return round(sum(match.strength for match in matches), 6)


def _recommend(supports: Sequence[ValueMatch], conflicts: Sequence[ValueMatch]) -> str:
    conflicting = _list_names(conflicts)
    if not supports:
        return (
            f"Reconsider this action: it conflicts with {conflicting} "
            "and supports none of the user's top values."
        )
    return (
        f"Reconsider this action: its conflicts with {conflicting} "
        f"outweigh the values it supports ({_list_names(supports)})."
    )


def _list_names(matches: Sequence[ValueMatch]) -> str:
    names = [f"{match.name} ({match.strength:.2f})" for match in matches]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
