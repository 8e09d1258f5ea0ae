"""The values plugin: user values, evidence, conflicts and alignment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._plugin import Plugin

if TYPE_CHECKING:
    from ..._database import Database


class ValuesAPI:
    """The user's values bound to one :class:`~peanut_async.Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db


PLUGIN = Plugin(
    name="values",
    tables={
        "user_values": (
            "id",
            "name",
            "category",
            "statement",
            "strength",
            "stability",
            "evidence",
            "contradiction_count",
            "last_reinforced",
            "created_at",
        ),
        "value_conflicts": (
            "id",
            "value1_name",
            "value2_name",
            "occurrence_count",
            "last_occurred",
            "last_context",
            "created_at",
        ),
    },
    api_factory=ValuesAPI,
)
