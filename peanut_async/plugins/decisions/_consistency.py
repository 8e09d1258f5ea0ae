"""Consistency of a chosen option with the user's values, from the values plugin.

The decisions plugin does not depend on the values plugin: it uses it when a plugin
named ``values`` is loaded, through the structural types below.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from ._model import DecisionOption

if TYPE_CHECKING:
    from ..._database import Database

log = logging.getLogger(__name__)

VALUES_PLUGIN = "values"

# The score when the option neither supports nor conflicts with any value.
NEUTRAL_CONSISTENCY = 0.5


class ValueMatchLike(Protocol):
    """A value an action supports or conflicts with, as the values plugin reports it."""

    @property
    def strength(self) -> float: ...


class AlignmentLike(Protocol):
    """The result of the values plugin's ``check_alignment``."""

    @property
    def supports(self) -> Sequence[ValueMatchLike]: ...

    @property
    def conflicts(self) -> Sequence[ValueMatchLike]: ...


def consistency_from_alignment(alignment: AlignmentLike) -> float:
    """Return ``s / (s + c)``, the supporting share of the matched values' strengths.

    ``s`` sums the strengths of the supported values and ``c`` those of the conflicting
    ones, where a negative strength counts as 0. The result is 0.5 when both sums are 0.
    """
    supporting = sum(max(0.0, match.strength) for match in alignment.supports)
    conflicting = sum(max(0.0, match.strength) for match in alignment.conflicts)
    if supporting + conflicting == 0:
        return NEUTRAL_CONSISTENCY
    return supporting / (supporting + conflicting)


def option_action_text(option: DecisionOption) -> str:
    """Return the text checked against the values: the label, then the description."""
    if option.description:
        return f"{option.label} {option.description}"
    return option.label


async def consistency_with_values(db: Database, option: DecisionOption) -> float | None:
    """Score ``option`` against the user's values, or return None without a values plugin."""
    if not db.has_plugin(VALUES_PLUGIN):
        return None
    check_alignment = getattr(db.plugin(VALUES_PLUGIN), "check_alignment", None)
    if check_alignment is None:
        log.warning(
            "plugin %r has no check_alignment method; consistency_with_values is left NULL",
            VALUES_PLUGIN,
        )
        return None
    alignment: AlignmentLike = await check_alignment(option_action_text(option))
    return consistency_from_alignment(alignment)
