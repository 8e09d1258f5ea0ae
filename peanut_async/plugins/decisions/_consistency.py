"""Consistency of a chosen option with the user's values, from the values plugin.

The decisions plugin does not depend on the values plugin: it uses one when a plugin
named ``values`` is loaded. The score is the ``consistency`` of what that plugin's
``check_alignment`` returns, so the rule lives in one place, the values plugin's
``Alignment.consistency``. Only the score for "no value matched" is decided here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypeGuard

from ._model import DecisionOption

if TYPE_CHECKING:
    from ..._database import Database

log = logging.getLogger(__name__)

VALUES_PLUGIN = "values"

# The score stored when the option neither supports nor conflicts with any value, which
# the values plugin reports as a consistency of None.
NEUTRAL_CONSISTENCY = 0.5

_MISSING = object()


def option_action_text(option: DecisionOption) -> str:
    """Return the text checked against the values: the label, then the description."""
    if option.description:
        return f"{option.label} {option.description}"
    return option.label


def stored_consistency(alignment: object) -> float | None:
    """Return the ``consistency_with_values`` to store for a ``check_alignment`` result.

    That is the result's ``consistency``, or 0.5 when it is None. Any other value that
    is not a number from 0 to 1, or a missing attribute, gives None and logs a warning:
    the column stays NULL instead of failing its CHECK constraint with the choice.
    """
    consistency = getattr(alignment, "consistency", _MISSING)
    if consistency is None:
        return NEUTRAL_CONSISTENCY
    if consistency is _MISSING:
        log.warning(
            "plugin %r returned a %s without a consistency attribute from check_alignment; "
            "consistency_with_values is left NULL",
            VALUES_PLUGIN,
            type(alignment).__name__,
        )
        return None
    if _is_share(consistency):
        return float(consistency)
    log.warning(
        "plugin %r returned consistency %r, expected None or a number from 0 to 1; "
        "consistency_with_values is left NULL",
        VALUES_PLUGIN,
        consistency if isinstance(consistency, int | float) else type(consistency).__name__,
    )
    return None


def _is_share(value: object) -> TypeGuard[int | float]:
    # bool is an int subclass, but True is no score. NaN fails the range check.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 0 <= value <= 1


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
    alignment: object = await check_alignment(option_action_text(option))
    return stored_consistency(alignment)
