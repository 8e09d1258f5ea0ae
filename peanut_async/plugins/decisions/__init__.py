"""The decisions plugin: decision points, choices, outcomes and suggestions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._plugin import Plugin

if TYPE_CHECKING:
    from ..._database import Database


class DecisionsAPI:
    """Decision tracking bound to one :class:`~peanut_async.Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db


PLUGIN = Plugin(
    name="decisions",
    tables={
        "decisions": (
            "id",
            "decision_type",
            "description",
            "options",
            "chosen_option_id",
            "context",
            "outcome",
            "created_at",
            "decided_at",
            "pattern_match",
            "consistency_with_values",
        ),
    },
    api_factory=DecisionsAPI,
)
