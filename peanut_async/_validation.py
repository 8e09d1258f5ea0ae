"""Checks of caller input shared by the built-in plugins."""

from __future__ import annotations

from ._errors import ValidationError


def check_text(field: str, value: object) -> str:
    """Return ``value`` if it is a string with some non-blank text, else raise."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, value, "a non-empty string")
    return value
