"""A short text of the user's top values for a language model prompt."""

from __future__ import annotations

from collections.abc import Sequence

from ._model import UserValue

# (exclusive lower bound of strength, wording), strongest first. Lower strengths read
# as FALLBACK_WORDING.
STRENGTH_WORDINGS: tuple[tuple[float, str], ...] = (
    (0.8, "strongly values"),
    (0.6, "values"),
    (0.4, "somewhat values"),
)
FALLBACK_WORDING = "slightly values"
NO_VALUES_TEXT = "No values have been recorded for the user yet."


def strength_wording(strength: float) -> str:
    """Return the verb phrase for ``strength``: above 0.8 "strongly values", and so on."""
    for bound, wording in STRENGTH_WORDINGS:
        if strength > bound:
            return wording
    return FALLBACK_WORDING


def summarize(values: Sequence[UserValue]) -> str:
    """Return one line per value, such as ``- strongly values health (0.85): <statement>``.

    A value without a statement gets no colon part. No values give ``NO_VALUES_TEXT``.
    """
    if not values:
        return NO_VALUES_TEXT
    return "\n".join(_line(value) for value in values)


def _line(value: UserValue) -> str:
    line = f"- {strength_wording(value.strength)} {value.name} ({value.strength:.2f})"
    if value.statement:
        line += f": {value.statement}"
    return line
