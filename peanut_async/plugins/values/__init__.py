"""The values plugin: user values, evidence, conflicts and alignment.

``db.plugin("values")`` is a :class:`ValuesAPI`. The rules live beside the code they
govern: strength and evidence in ``_store.py``, alignment in ``_alignment.py``,
extraction in ``_extraction.py``, and the keyword and signal tables in ``_keywords.py``.
"""

from __future__ import annotations

from importlib.resources import files

from ..._plugin import Plugin
from ._api import ValuesAPI
from ._keywords import KNOWN_CONFLICTS, KNOWN_VALUES, KnownValue
from ._model import (
    CATEGORIES,
    EVIDENCE_TYPES,
    Alignment,
    DetectedConflict,
    ExtractionResult,
    UserValue,
    ValueConflict,
    ValueEvidence,
    ValueMatch,
)

__all__ = [
    "Alignment",
    "CATEGORIES",
    "DetectedConflict",
    "EVIDENCE_TYPES",
    "ExtractionResult",
    "KNOWN_CONFLICTS",
    "KNOWN_VALUES",
    "KnownValue",
    "PLUGIN",
    "UserValue",
    "ValueConflict",
    "ValueEvidence",
    "ValueMatch",
    "ValuesAPI",
]

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
        # Read by run_extraction().
        "decisions": (
            "id",
            "description",
            "options",
            "chosen_option_id",
            "outcome",
            "decided_at",
            "created_at",
        ),
        "commitments": ("id", "type", "description", "status", "completed_at", "created_at"),
        # Created by this plugin's own migration.
        "value_extraction_sources": ("value_name", "evidence_type", "source_id", "reinforces"),
    },
    api_factory=ValuesAPI,
    migrations=files(__name__) / "migrations",
)
