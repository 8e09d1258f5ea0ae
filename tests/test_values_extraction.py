"""Value extraction from a seeded history of decisions and commitments."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from peanut_async import Database
from peanut_async.plugins.values import KNOWN_VALUES, ExtractionResult, ValueEvidence, ValuesAPI


@pytest.fixture
def peanut_plugin_names() -> list[str]:
    return ["values"]


@pytest.fixture
def values(peanut_db: Database) -> ValuesAPI:
    return peanut_db.plugin("values", ValuesAPI)


def at(day: int) -> datetime:
    return datetime(2026, 1, day, 10, 0, tzinfo=UTC)


def stored(day: int) -> str:
    return f"2026-01-{day:02d} 10:00:00"


async def add_decision(
    db: Database,
    decision_id: str,
    description: str,
    options: list[dict[str, object]],
    chosen: str | None,
    rating: str | None,
    day: int,
) -> None:
    outcome = None if rating is None else json.dumps({"rating": rating, "notes": ""})
    await db.execute(
        "INSERT INTO decisions (id, decision_type, description, options, chosen_option_id,"
        " outcome, created_at, decided_at) VALUES (?, 'other', ?, ?, ?, ?, ?, ?)",
        (decision_id, description, json.dumps(options), chosen, outcome, stored(day), stored(day)),
    )


async def add_commitment(
    db: Database, commitment_id: str, kind: str, description: str, status: str, day: int
) -> None:
    completed = stored(day) if status == "completed" else None
    await db.execute(
        "INSERT INTO commitments (id, type, description, status, created_at, completed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (commitment_id, kind, description, status, stored(day), completed),
    )


async def seed_history(db: Database) -> None:
    """Four health signals, three reliability signals, one each for three other values."""
    # Health: d1, d2 and d4 (negative) below, and commitment c7.
    await add_decision(
        db, "d1", "Evening plan",
        [{"id": "a", "label": "Go to the gym", "description": "evening workout"},
         {"id": "b", "label": "Stay at the office"}],
        "a", "positive", 1,
    )
    await add_decision(
        db, "d2", "Morning routine",
        [{"id": 1, "label": "Morning yoga"}, {"id": 2, "label": "Answer email"}],
        "1", "positive", 2,
    )
    await add_decision(
        db, "d4", "Appointment", [{"id": "a", "label": "See the doctor"}], "a", "negative", 3
    )

    # A conflict keyword gives no signal, whatever the outcome.
    await add_decision(
        db, "d3", "Crunch week", [{"id": "x", "label": "Skip the gym"}], "x", "positive", 2
    )

    # No outcome yet, a neutral outcome, no choice: no signal.
    await add_decision(
        db, "d5", "Weekend", [{"id": "a", "label": "Go to the gym"}], "a", None, 3
    )
    await add_decision(
        db, "d6", "Weekend", [{"id": "a", "label": "Go to the gym"}], "a", "neutral", 3
    )
    await add_decision(
        db, "d7", "Weekend", [{"id": "a", "label": "Go to the gym"}], None, None, 3
    )

    # One efficiency signal stays below the threshold.
    await add_decision(
        db, "d8", "Reports", [{"id": "a", "label": "Automate the weekly report"}], "a",
        "positive", 3,
    )

    await add_commitment(db, "c7", "meeting", "Gym session with Tom", "completed", 4)

    # Reliability: two kept promises and a broken one. An open promise gives no signal.
    await add_commitment(db, "c1", "promise", "Send Ana the slides", "completed", 5)
    await add_commitment(db, "c2", "promise", "Review Ben's draft", "completed", 6)
    await add_commitment(db, "c3", "promise", "Call the landlord", "broken", 7)
    await add_commitment(db, "c4", "promise", "Fix the bike", "open", 7)

    # One learning and one responsiveness signal. A cancelled meeting gives no signal.
    await add_commitment(db, "c5", "meeting", "Spanish lesson", "completed", 8)
    await add_commitment(db, "c6", "ask", "Reply to Carla", "completed", 8)
    await add_commitment(db, "c8", "meeting", "Yoga class", "cancelled", 8)


async def test_extraction_creates_values_seen_three_times(
    values: ValuesAPI, peanut_db: Database
) -> None:
    await seed_history(peanut_db)

    result = await values.run_extraction()

    assert result == ExtractionResult(
        updated=(), created=("health", "reliability"), evidence_added=7
    )
    assert [value.name for value in await values.list_values()] == ["health", "reliability"]


async def test_extraction_health_evidence(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_history(peanut_db)

    await values.run_extraction()

    health = await values.get_value("health")
    # 0.5 (d1) + 0.05 (d2) - 0.03 (d4) + 0.05 (c7)
    assert health.strength == 0.57
    assert health.stability == 0.75
    assert health.contradiction_count == 1
    assert health.last_reinforced == at(4)
    assert health.category == "health"
    assert health.statement == KNOWN_VALUES["health"].statement
    assert health.evidence == (
        ValueEvidence(
            "decision",
            "Chose 'Go to the gym' in decision 'Evening plan', and the outcome was positive",
            source_id="d1", timestamp=at(1),
        ),
        ValueEvidence(
            "decision",
            "Chose 'Morning yoga' in decision 'Morning routine', and the outcome was positive",
            source_id="d2", timestamp=at(2),
        ),
        ValueEvidence(
            "decision",
            "Chose 'See the doctor' in decision 'Appointment', and the outcome was negative",
            source_id="d4", timestamp=at(3), reinforces=False,
        ),
        ValueEvidence(
            "commitment", "Completed meeting: Gym session with Tom", source_id="c7",
            timestamp=at(4),
        ),
    )


async def test_extraction_reliability_evidence(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_history(peanut_db)

    await values.run_extraction()

    reliability = await values.get_value("reliability")
    assert reliability.strength == 0.52
    assert reliability.contradiction_count == 1
    assert reliability.category == "personal"
    assert [item.description for item in reliability.evidence] == [
        "Completed promise: Send Ana the slides",
        "Completed promise: Review Ben's draft",
        "Broken promise: Call the landlord",
    ]
    # A broken promise has no completed_at, so its creation time dates it.
    assert reliability.evidence[-1].timestamp == at(7)


async def test_second_run_changes_nothing(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_history(peanut_db)
    await values.run_extraction()
    before = await values.list_values()

    result = await values.run_extraction()

    assert result == ExtractionResult(updated=(), created=(), evidence_added=0)
    assert await values.list_values() == before


async def test_later_run_applies_only_new_history(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_history(peanut_db)
    await values.run_extraction()
    await add_decision(
        peanut_db, "d9", "Lunch", [{"id": "a", "label": "Go for a walk"}], "a", "positive", 9
    )

    result = await values.run_extraction()

    assert result == ExtractionResult(updated=("health",), created=(), evidence_added=1)
    health = await values.get_value("health")
    assert health.strength == 0.62
    assert health.evidence[-1].source_id == "d9"


async def test_value_created_when_history_reaches_threshold(
    values: ValuesAPI, peanut_db: Database
) -> None:
    await seed_history(peanut_db)
    await values.run_extraction()
    await add_commitment(peanut_db, "c9", "meeting", "Python workshop", "completed", 9)
    await add_commitment(peanut_db, "c10", "deadline", "Finish the online course", "completed", 10)

    result = await values.run_extraction()

    assert result == ExtractionResult(updated=(), created=("learning",), evidence_added=3)
    learning = await values.get_value("learning")
    assert learning.category == "growth"
    assert [item.source_id for item in learning.evidence] == ["c5", "c9", "c10"]
    assert learning.strength == 0.6


async def test_extraction_keeps_stored_category_and_statement(
    values: ValuesAPI, peanut_db: Database
) -> None:
    await values.upsert_value(
        "reliability", "relationships", ValueEvidence("explicit", "said so", timestamp=at(1)),
        statement="Does what they say.",
    )
    await seed_history(peanut_db)

    result = await values.run_extraction()

    assert result == ExtractionResult(
        updated=("reliability",), created=("health",), evidence_added=7
    )
    reliability = await values.get_value("reliability")
    assert reliability.category == "relationships"
    assert reliability.statement == "Does what they say."
    # 0.5 (explicit) + 0.05 + 0.05 - 0.03
    assert reliability.strength == 0.57


async def test_extraction_records_applied_sources(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_history(peanut_db)

    await values.run_extraction()

    rows = await peanut_db.fetch_all(
        "SELECT value_name, evidence_type, source_id, reinforces FROM value_extraction_sources"
        " ORDER BY value_name, source_id"
    )
    assert [tuple(row) for row in rows] == [
        ("health", "commitment", "c7", 1),
        ("health", "decision", "d1", 1),
        ("health", "decision", "d2", 1),
        ("health", "decision", "d4", 0),
        ("reliability", "commitment", "c1", 1),
        ("reliability", "commitment", "c2", 1),
        ("reliability", "commitment", "c3", 0),
    ]


async def test_deleted_value_rebuilt_from_history(values: ValuesAPI, peanut_db: Database) -> None:
    await seed_history(peanut_db)
    await values.run_extraction()
    await peanut_db.execute("DELETE FROM user_values WHERE name = 'health'")

    result = await values.run_extraction()

    assert result == ExtractionResult(updated=(), created=("health",), evidence_added=4)
    assert (await values.get_value("health")).strength == 0.57


async def test_extraction_on_empty_history(values: ValuesAPI) -> None:
    result = await values.run_extraction()

    assert result == ExtractionResult(updated=(), created=(), evidence_added=0)


async def test_evidence_beyond_cap_not_counted_twice(
    values: ValuesAPI, peanut_db: Database
) -> None:
    # 25 kept promises exceed the 20-item evidence list. The second run must not
    # apply again the 5 that dropped out of it.
    for index in range(25):
        await add_commitment(peanut_db, f"p{index}", "promise", "Send the notes", "completed",
                             1 + index)

    first = await values.run_extraction()
    second = await values.run_extraction()

    assert first.evidence_added == 25
    assert second.evidence_added == 0
    reliability = await values.get_value("reliability")
    assert len(reliability.evidence) == 20
    assert reliability.evidence[0].source_id == "p5"
