"""The values plugin's records: ValueEvidence validation and defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from peanut_async import ValidationError
from peanut_async.plugins.values import Alignment, ValueEvidence, ValueMatch


def test_evidence_defaults() -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    evidence = ValueEvidence("pattern", "runs every morning")

    assert evidence.source_id is None
    assert evidence.reinforces is True
    assert before <= evidence.timestamp <= datetime.now(UTC)
    assert evidence.timestamp.tzinfo is UTC
    assert evidence.timestamp.microsecond == 0


def test_evidence_timestamp_converted_to_utc() -> None:
    local = datetime(2026, 3, 1, 11, 30, 15, 999999, tzinfo=timezone(timedelta(hours=2)))

    evidence = ValueEvidence("explicit", "said so", timestamp=local)

    assert evidence.timestamp == datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)


def test_evidence_is_frozen() -> None:
    evidence = ValueEvidence("explicit", "said so")

    with pytest.raises(AttributeError):
        evidence.reinforces = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "field", "value"),
    [
        ({"type": "rumor"}, "type", "rumor"),
        ({"type": None}, "type", None),
        ({"description": ""}, "description", ""),
        ({"description": "   "}, "description", "   "),
        ({"source_id": ""}, "source_id", ""),
        ({"source_id": 7}, "source_id", 7),
        ({"timestamp": datetime(2026, 3, 1, 9, 0)}, "timestamp", datetime(2026, 3, 1, 9, 0)),
        ({"timestamp": "2026-03-01"}, "timestamp", "2026-03-01"),
        ({"reinforces": "yes"}, "reinforces", "yes"),
        ({"reinforces": 1}, "reinforces", 1),
    ],
    ids=lambda case: str(case) if isinstance(case, str) else None,
)
def test_evidence_invalid_field(kwargs: dict[str, object], field: str, value: object) -> None:
    arguments: dict[str, object] = {"type": "explicit", "description": "said so", **kwargs}

    with pytest.raises(ValidationError) as raised:
        ValueEvidence(**arguments)  # type: ignore[arg-type]

    assert raised.value.field == field
    assert raised.value.value == value


def test_alignment_consistency() -> None:
    alignment = Alignment(
        supports=(ValueMatch("work_dedication", 0.6, "work late"),),
        conflicts=(ValueMatch("work_life_balance", 0.85, "work late"),),
        is_aligned=False,
        recommendation="...",
    )

    assert alignment.consistency == 0.413793


def test_alignment_consistency_without_matches() -> None:
    alignment = Alignment(supports=(), conflicts=(), is_aligned=True, recommendation=None)

    assert alignment.consistency is None
