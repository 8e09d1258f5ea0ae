"""The decisions plugin: decision points, choices, outcomes and suggestions.

Use it through ``db.plugin("decisions")``, a :class:`DecisionsAPI`. It reads and writes
the core ``decisions`` table and uses the ``values`` plugin when one is loaded. Its own
migration adds ``decision_entities``, an index of the entity ids in each decision's
context that triggers keep in step with ``decisions``.
"""

from __future__ import annotations

from importlib.resources import files

from ..._plugin import Plugin
from ._api import DecisionsAPI
from ._model import (
    DECISION_TYPES,
    LEVELS,
    RATINGS,
    WORKLOAD_LEVELS,
    ContextCount,
    Decision,
    DecisionContext,
    DecisionOption,
    Outcome,
    OutcomeCounts,
    PatternAnalysis,
    PatternMatch,
    SimilarDecision,
    Suggestion,
)

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
        # Created by this plugin's own migration.
        "decision_entities": ("entity_id", "decision_id"),
    },
    api_factory=DecisionsAPI,
    migrations=files(__name__) / "migrations",
)

__all__ = [
    "DECISION_TYPES",
    "LEVELS",
    "PLUGIN",
    "RATINGS",
    "WORKLOAD_LEVELS",
    "ContextCount",
    "Decision",
    "DecisionContext",
    "DecisionOption",
    "DecisionsAPI",
    "Outcome",
    "OutcomeCounts",
    "PatternAnalysis",
    "PatternMatch",
    "SimilarDecision",
    "Suggestion",
]
