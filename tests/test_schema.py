"""Tests of the core schema (schema/001-003) on a fresh database opened through connect()."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import peanut_async
from peanut_async import Database, DatabaseError

# Every table of the core schema with the columns the specification names. A table may
# have more columns than listed, except user_values, which its own test checks exactly.
_SPEC_COLUMN_NAMES = {
    # core knowledge
    "entities": (
        "id canonical_name entity_type created_at updated_at merge_history community_id"
        " activation last_accessed"
    ),
    "entity_attributes": (
        "id entity_id attribute_type attribute_value confidence source_assertion_id created_at"
    ),
    "assertions": (
        "id subject_entity_id predicate object_text object_entity_id confidence source_type"
        " source_id source_timestamp extracted_at embedding_id valid_from valid_until"
        " context_id visibility_scope"
    ),
    # graph
    "graph_edges": (
        "id from_entity_id to_entity_id edge_type strength evidence_count last_evidence_at"
        " created_at"
    ),
    "entity_communities": (
        "id community_name member_count cohesion_score central_entity_id detected_at last_updated"
    ),
    # messages
    "messages": (
        "id source_type source_id thread_id sender_entity_id recipient_entity_ids subject"
        " body_text body_html timestamp is_from_user processed created_at"
    ),
    "messages_fts": "subject body_text",
    # events
    "events": (
        "id event_type timestamp payload context_type processed app_id window_title url"
        " entities activity_category assertion_ids"
    ),
    # behavioural
    "behavioral_patterns": (
        "id pattern_type description detected_at time_signature occurrence_times"
        " habit_strength observation_count last_observed next_predicted confidence"
    ),
    "daily_rhythms": (
        "user_id day_of_week hour activity_distribution focus_score_avg energy_level_avg"
        " response_time_avg message_volume typical_context"
    ),
    "predictions": (
        "id prediction_type target confidence predicted_time based_on_patterns"
        " context_signals was_correct actual_time user_feedback created_at"
    ),
    # personality
    "user_style": (
        "id formality verbosity emoji_density avg_message_length greeting_patterns"
        " signoff_patterns signature_phrases interaction_count updated_at"
    ),
    "recipient_styles": (
        "recipient_entity_id relationship_type formality warmth emoji_usage"
        " avg_response_time_hours example_messages message_count updated_at"
    ),
    "rapport_metrics": "id entity_id score trend interaction_count last_interaction_at updated_at",
    # cognitive
    "cognitive_patterns": (
        "id pattern_type description based_on_decisions confidence pattern_parameters"
    ),
    "user_values": (
        "id name category statement strength stability evidence contradiction_count"
        " last_reinforced created_at"
    ),
    "decision_records": (
        "id timestamp decision_type description options_considered factors_weighed"
        " choice_made reasoning_trace pattern_match consistency_with_values"
    ),
    "decisions": (
        "id decision_type description options chosen_option_id context outcome created_at"
        " decided_at pattern_match consistency_with_values"
    ),
    "value_conflicts": (
        "id value1_name value2_name occurrence_count last_occurred last_context created_at"
    ),
    # context
    "context_boundaries": (
        "id context_name visibility_policy classification_signals formality_floor"
        " professionalism_required humor_allowed"
    ),
    "entity_context_membership": "entity_id context_id confidence",
    "assertion_visibility": "assertion_id context_id visibility_scope",
    "active_context": (
        "session_id current_context detected_at signals confidence active_persona style_adjustments"
    ),
    # commitments and goals
    "commitments": (
        "id type description owner_entity_id counterparty_entity_id due_date end_date status"
        " source_type source_id source_timestamp created_at completed_at reminder_sent"
    ),
    "commitment_participants": "id commitment_id entity_id response_status created_at",
    "goals": (
        "id description goal_type status parent_goal_id related_entities created_at"
        " target_date completed_at"
    ),
    "goal_commitments": "goal_id commitment_id",
    # screen memory
    "screen_captures": (
        "id timestamp app window_title url screenshot_path frame_offset ocr_text embedding_id"
        " entities activity_type context_type ocr_complete embedding_complete"
    ),
    # engagement
    "engagement_events": (
        "id interaction_type timestamp ai_draft_length user_final_length edit_ratio"
        " thread_length user_response_sentiment context_type recipient_entity_id"
        " learning_applied personality_delta"
    ),
    "engagement_baselines": (
        "id context_type avg_response_length avg_thread_length avg_sentiment avg_edit_ratio"
        " sample_count last_updated"
    ),
    "rapport_metrics_v2": (
        "interaction_id timestamp context_type edit_ratio response_sentiment"
        " response_length_ratio thread_length topic_depth_score raw_engagement_score"
        " normalized_engagement_score vent_mode_active learning_applied personality_snapshot"
    ),
    "user_style_dimensions": (
        "id user_id formality verbosity emoji_density question_frequency"
        " exclamation_frequency positivity_bias emotional_expressiveness humor_frequency"
        " directness detail_orientation confidence_score interaction_count last_updated"
    ),
    "personality_evolution": (
        "id timestamp dimension old_value new_value trigger_event_id learning_rate"
    ),
    # belief, resolution, prompts, ethics
    "belief_contradictions": (
        "id assertion_id_1 assertion_id_2 detected_at contradiction_type severity"
        " resolution_status resolved_at resolution_method winning_assertion_id"
    ),
    "belief_revision_log": (
        "id assertion_id timestamp old_confidence new_confidence reason evidence_source_id"
        " user_initiated"
    ),
    "quarantined_entities": (
        "id potential_entity_id_1 potential_entity_id_2 similarity_score quarantine_reason"
        " source_message_id created_at reviewed review_decision reviewed_at"
    ),
    "dynamic_prompt_context": (
        "session_id current_recipient_id current_channel current_context_type style_prompt"
        " detected_user_mood time_of_day_adjustment formality_floor professionalism_required"
        " last_user_feedback rapport_score_history"
    ),
    "ethical_bounds": "dimension min_value max_value description",
}
SPEC_COLUMNS = {table: tuple(names.split()) for table, names in _SPEC_COLUMN_NAMES.items()}

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")

FTS_MATCH = "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with peanut_async.connect(tmp_path / "p.db", plugins=()) as database:
        yield database


async def insert_entity(db: Database, name: str) -> str:
    entity_id: str = await db.fetch_value(
        "INSERT INTO entities (canonical_name, entity_type) VALUES (?, 'person') RETURNING id",
        (name,),
    )
    return entity_id


async def insert_message(db: Database, source_id: str, subject: str, body: str) -> None:
    await db.execute(
        "INSERT INTO messages (source_type, source_id, subject, body_text, timestamp)"
        " VALUES ('gmail', ?, ?, ?, '2025-03-04 09:30:00')",
        (source_id, subject, body),
    )


def assert_integrity_error(error: pytest.ExceptionInfo[DatabaseError], message: str) -> None:
    assert isinstance(error.value.__cause__, sqlite3.IntegrityError)
    assert message in str(error.value)


# Tables, columns, version -------------------------------------------------------------


async def test_schema_has_every_spec_table(db: Database) -> None:
    rows = await db.fetch_all("SELECT name FROM sqlite_schema WHERE type = 'table'")
    names = {row["name"] for row in rows}

    assert sorted(set(SPEC_COLUMNS) - names) == []
    assert len(SPEC_COLUMNS) == 38


@pytest.mark.parametrize("table", sorted(SPEC_COLUMNS))
async def test_table_has_spec_columns(db: Database, table: str) -> None:
    rows = await db.fetch_all("SELECT name FROM pragma_table_info(?)", (table,))
    columns = {row["name"] for row in rows}

    assert [column for column in SPEC_COLUMNS[table] if column not in columns] == []


async def test_user_values_has_exactly_spec_columns(db: Database) -> None:
    rows = await db.fetch_all("SELECT name FROM pragma_table_info('user_values')")

    assert [row["name"] for row in rows] == list(SPEC_COLUMNS["user_values"])


async def test_schema_version_is_three(db: Database) -> None:
    rows = await db.fetch_all("SELECT version, applied_at FROM schema_version")

    assert len(rows) == 1
    assert rows[0]["version"] == 3
    assert INSTANT.fullmatch(rows[0]["applied_at"])


async def test_version_three_tables_found_by_name(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type='table'"
        " AND name IN ('commitment_participants', 'decisions', 'value_conflicts')"
    )

    assert sorted(row["name"] for row in rows) == [
        "commitment_participants",
        "decisions",
        "value_conflicts",
    ]


async def test_id_default_is_uuid4(db: Database) -> None:
    entity_id = await insert_entity(db, "Ada Lovelace")

    assert UUID4.fullmatch(entity_id)


# Full-text index ----------------------------------------------------------------------


async def test_messages_fts_finds_inserted_message(db: Database) -> None:
    await insert_message(db, "m-1", "Quarterly budget", "Please review the spreadsheet")

    assert await db.fetch_value(FTS_MATCH, ("spreadsheet",)) == 1
    assert await db.fetch_value(FTS_MATCH, ("quarterly",)) == 1


async def test_messages_fts_reflects_update(db: Database) -> None:
    await insert_message(db, "m-1", "Quarterly budget", "Please review the spreadsheet")

    await db.execute(
        "UPDATE messages SET body_text = 'Please review the slides' WHERE source_id = 'm-1'"
    )

    assert await db.fetch_value(FTS_MATCH, ("spreadsheet",)) == 0
    assert await db.fetch_value(FTS_MATCH, ("slides",)) == 1


async def test_messages_fts_forgets_deleted_message(db: Database) -> None:
    await insert_message(db, "m-1", "Quarterly budget", "Please review the spreadsheet")
    await insert_message(db, "m-2", "Lunch", "Noodles at noon?")

    await db.execute("DELETE FROM messages WHERE source_id = 'm-1'")

    assert await db.fetch_value(FTS_MATCH, ("spreadsheet",)) == 0
    assert await db.fetch_value(FTS_MATCH, ("noodles",)) == 1


async def test_messages_fts_follows_upsert(db: Database) -> None:
    await insert_message(db, "m-1", "Quarterly budget", "Please review the spreadsheet")

    await db.execute(
        "INSERT INTO messages (source_type, source_id, subject, body_text, timestamp)"
        " VALUES ('gmail', 'm-1', 'Quarterly budget', 'Slides attached', '2025-03-04 09:30:00')"
        " ON CONFLICT (source_type, source_id) DO UPDATE SET body_text = excluded.body_text"
    )

    assert await db.fetch_value(FTS_MATCH, ("spreadsheet",)) == 0
    assert await db.fetch_value(FTS_MATCH, ("slides",)) == 1


# Seeds --------------------------------------------------------------------------------


async def test_context_boundaries_seeded(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT context_name, formality_floor, professionalism_required, humor_allowed"
        " FROM context_boundaries ORDER BY context_name"
    )

    assert [tuple(row) for row in rows] == [
        ("family", 0.0, 0, 1),
        ("personal", 0.0, 0, 1),
        ("work", 0.6, 1, 0),
    ]


async def test_engagement_baselines_seeded(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT context_type, avg_response_length, avg_thread_length, avg_sentiment,"
        " avg_edit_ratio, sample_count FROM engagement_baselines ORDER BY context_type"
    )

    assert [tuple(row) for row in rows] == [
        ("default", 150.0, 5.0, 0.2, 0.25, 0),
        ("friend_chat", 60.0, 12.0, 0.4, 0.1, 0),
        ("quick_task", 40.0, 2.0, 0.0, 0.2, 0),
        ("work_email", 400.0, 4.0, 0.1, 0.3, 0),
    ]


async def test_ethical_bounds_seeded(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT dimension, min_value, max_value FROM ethical_bounds ORDER BY dimension"
    )

    assert [tuple(row) for row in rows] == [
        ("emotional_exploitation", 0.0, 0.2),
        ("manipulation_score", 0.0, 0.3),
        ("pressure_tactics", 0.0, 0.1),
        ("sycophancy_score", 0.0, 0.4),
    ]


async def test_user_style_has_one_default_row(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT id, formality, verbosity, emoji_density, avg_message_length,"
        " greeting_patterns, signoff_patterns, signature_phrases, interaction_count"
        " FROM user_style"
    )

    assert [tuple(row) for row in rows] == [("default", 0.5, 0.5, 0.0, 0.0, "[]", "[]", "[]", 0)]


async def test_user_style_rejects_second_row(db: Database) -> None:
    with pytest.raises(DatabaseError) as error:
        await db.execute("INSERT INTO user_style (id) VALUES ('work')")

    assert_integrity_error(error, "CHECK constraint failed")


async def test_user_style_dimensions_seeded(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT user_id, formality, confidence_score, interaction_count FROM user_style_dimensions"
    )

    assert [tuple(row) for row in rows] == [("default", 0.5, 0.5, 0)]


# Indexes ------------------------------------------------------------------------------


async def test_index_names_are_unique(db: Database) -> None:
    rows = await db.fetch_all("SELECT name FROM sqlite_schema WHERE type = 'index'")
    names = [row["name"] for row in rows]

    assert len(names) == len(set(names))


async def test_decisions_indexes_exist(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT name FROM sqlite_schema"
        " WHERE type = 'index' AND tbl_name = 'decisions' AND name LIKE 'idx\\_%' ESCAPE '\\'"
        " ORDER BY name"
    )

    assert [row["name"] for row in rows] == [
        "idx_decisions_created_at",
        "idx_decisions_decided_at",
        "idx_decisions_outcome_rating",
        "idx_decisions_type_created_at",
        "idx_decisions_type_rated_created_at",
    ]


async def test_decision_records_indexes_named_apart(db: Database) -> None:
    rows = await db.fetch_all(
        "SELECT name FROM sqlite_schema"
        " WHERE type = 'index' AND tbl_name = 'decision_records' AND sql IS NOT NULL"
        " ORDER BY name"
    )

    assert [row["name"] for row in rows] == [
        "idx_decision_records_timestamp",
        "idx_decision_records_type_timestamp",
    ]


async def test_decisions_type_query_uses_index(db: Database) -> None:
    rows = await db.fetch_all(
        "EXPLAIN QUERY PLAN SELECT id FROM decisions WHERE decision_type = ?"
        " ORDER BY created_at DESC LIMIT 10",
        ("scheduling",),
    )
    plan = " | ".join(row["detail"] for row in rows)

    assert "USING INDEX idx_decisions_type_created_at" in plan
    assert "TEMP B-TREE" not in plan


async def test_no_index_is_prefix_of_unique(db: Database) -> None:
    # An index on the leading columns of a UNIQUE constraint duplicates the constraint's
    # own index, so it costs every write and serves no query.
    tables = [t for t in SPEC_COLUMNS if t != "messages_fts"]
    redundant = []
    for table in tables:
        unique_columns = []
        plain_columns = {}
        for index in await db.fetch_all("SELECT * FROM pragma_index_list(?)", (table,)):
            info = await db.fetch_all("SELECT name FROM pragma_index_info(?)", (index["name"],))
            columns = tuple(row["name"] for row in info)
            if index["unique"]:
                unique_columns.append(columns)
            elif not index["partial"] and None not in columns:
                plain_columns[index["name"]] = columns
        for name, columns in plain_columns.items():
            if any(unique[: len(columns)] == columns for unique in unique_columns):
                redundant.append(name)

    assert redundant == []


# CHECK constraints ----------------------------------------------------------------------

BAD_VALUES = {
    "commitment type": "INSERT INTO commitments (type, description) VALUES ('call', 'x')",
    "commitment status": (
        "INSERT INTO commitments (type, description, status) VALUES ('meeting', 'x', 'done')"
    ),
    "decision type": (
        "INSERT INTO decisions (decision_type, description, options) VALUES ('lunch', 'x', '[]')"
    ),
    "decision options not a list": (
        "INSERT INTO decisions (decision_type, description, options) VALUES ('other', 'x', '{}')"
    ),
    "decision outcome rating": (
        "INSERT INTO decisions (decision_type, description, options, outcome)"
        " VALUES ('other', 'x', '[]', '{\"rating\": \"great\"}')"
    ),
    "decision consistency above 1": (
        "INSERT INTO decisions (decision_type, description, options, consistency_with_values)"
        " VALUES ('other', 'x', '[]', 1.5)"
    ),
    "value category": "INSERT INTO user_values (name, category) VALUES ('thrift', 'money')",
    "value strength below 0": (
        "INSERT INTO user_values (name, category, strength) VALUES ('thrift', 'financial', -0.1)"
    ),
    "entity type": "INSERT INTO entities (canonical_name, entity_type) VALUES ('x', 'robot')",
    "rhythm hour 24": "INSERT INTO daily_rhythms (day_of_week, hour) VALUES (0, 24)",
    "rhythm day 7": "INSERT INTO daily_rhythms (day_of_week, hour) VALUES (7, 0)",
    "instant with T and Z": (
        "INSERT INTO commitments (type, description, due_date)"
        " VALUES ('meeting', 'x', '2025-03-04T09:30:00Z')"
    ),
    "meeting ending before start": (
        "INSERT INTO commitments (type, description, due_date, end_date)"
        " VALUES ('meeting', 'x', '2025-03-04 10:00:00', '2025-03-04 09:00:00')"
    ),
    "merge history not JSON": (
        "INSERT INTO entities (canonical_name, entity_type, merge_history)"
        " VALUES ('x', 'person', 'not json')"
    ),
}


@pytest.mark.parametrize("sql", BAD_VALUES.values(), ids=BAD_VALUES.keys())
async def test_check_rejects_bad_value(db: Database, sql: str) -> None:
    with pytest.raises(DatabaseError) as error:
        await db.execute(sql)

    assert_integrity_error(error, "CHECK constraint failed")


async def test_participant_response_status_checked(db: Database) -> None:
    entity_id = await insert_entity(db, "Ada Lovelace")
    commitment_id = await db.fetch_value(
        "INSERT INTO commitments (type, description) VALUES ('meeting', 'Standup') RETURNING id"
    )

    with pytest.raises(DatabaseError) as error:
        await db.execute(
            "INSERT INTO commitment_participants (commitment_id, entity_id, response_status)"
            " VALUES (?, ?, 'maybe')",
            (commitment_id, entity_id),
        )

    assert_integrity_error(error, "CHECK constraint failed")


@pytest.mark.parametrize("due_date", ["2025-03-04 09:30:00", "2025-03-04"])
async def test_due_date_accepts_instant_or_date(db: Database, due_date: str) -> None:
    await db.execute(
        "INSERT INTO commitments (type, description, due_date) VALUES ('deadline', 'x', ?)",
        (due_date,),
    )

    assert await db.fetch_value("SELECT due_date FROM commitments") == due_date


# Uniqueness and keys ------------------------------------------------------------------


async def test_email_belongs_to_one_entity(db: Database) -> None:
    ada = await insert_entity(db, "Ada Lovelace")
    other = await insert_entity(db, "A. Lovelace")
    insert = (
        "INSERT INTO entity_attributes (entity_id, attribute_type, attribute_value)"
        " VALUES (?, 'email', 'ada@example.org')"
    )
    await db.execute(insert, (ada,))

    with pytest.raises(DatabaseError) as error:
        await db.execute(insert, (other,))

    assert_integrity_error(error, "UNIQUE constraint failed: entity_attributes.attribute_value")


async def test_alias_may_repeat_across_entities(db: Database) -> None:
    insert = (
        "INSERT INTO entity_attributes (entity_id, attribute_type, attribute_value)"
        " VALUES (?, 'alias', 'Ada')"
    )
    await db.execute(insert, (await insert_entity(db, "Ada Lovelace"),))
    await db.execute(insert, (await insert_entity(db, "Ada Yonath"),))

    assert await db.fetch_value("SELECT count(*) FROM entity_attributes") == 2


async def test_email_must_be_lowercase(db: Database) -> None:
    ada = await insert_entity(db, "Ada Lovelace")

    with pytest.raises(DatabaseError) as error:
        await db.execute(
            "INSERT INTO entity_attributes (entity_id, attribute_type, attribute_value)"
            " VALUES (?, 'email', 'Ada@Example.org')",
            (ada,),
        )

    assert_integrity_error(error, "CHECK constraint failed")


async def test_value_conflict_rejects_reversed_pair(db: Database) -> None:
    with pytest.raises(DatabaseError) as error:
        await db.execute(
            "INSERT INTO value_conflicts (value1_name, value2_name)"
            " VALUES ('work_life_balance', 'career_growth')"
        )

    assert_integrity_error(error, "CHECK constraint failed: value1_name < value2_name")


async def test_value_conflict_upsert_counts_pair(db: Database) -> None:
    upsert = (
        "INSERT INTO value_conflicts (value1_name, value2_name)"
        " VALUES ('career_growth', 'work_life_balance')"
        " ON CONFLICT (value1_name, value2_name)"
        " DO UPDATE SET occurrence_count = occurrence_count + 1"
    )
    for _ in range(3):
        await db.execute(upsert)

    rows = await db.fetch_all(
        "SELECT value1_name, value2_name, occurrence_count FROM value_conflicts"
    )

    assert [tuple(row) for row in rows] == [("career_growth", "work_life_balance", 3)]


async def test_commitment_source_is_unique(db: Database) -> None:
    insert = (
        "INSERT INTO commitments (type, description, source_type, source_id)"
        " VALUES ('meeting', 'Standup', 'ics', 'event-1')"
    )
    await db.execute(insert)

    with pytest.raises(DatabaseError) as error:
        await db.execute(insert)

    assert_integrity_error(
        error, "UNIQUE constraint failed: commitments.source_type, commitments.source_id"
    )


async def test_commitments_without_source_may_repeat(db: Database) -> None:
    insert = "INSERT INTO commitments (type, description) VALUES ('promise', 'Send the draft')"
    await db.execute(insert)
    await db.execute(insert)

    assert await db.fetch_value("SELECT count(*) FROM commitments") == 2


async def test_participant_unique_per_commitment(db: Database) -> None:
    entity_id = await insert_entity(db, "Ada Lovelace")
    commitment_id = await db.fetch_value(
        "INSERT INTO commitments (type, description) VALUES ('meeting', 'Standup') RETURNING id"
    )
    insert = "INSERT INTO commitment_participants (commitment_id, entity_id) VALUES (?, ?)"
    await db.execute(insert, (commitment_id, entity_id))

    with pytest.raises(DatabaseError) as error:
        await db.execute(insert, (commitment_id, entity_id))

    assert_integrity_error(error, "UNIQUE constraint failed")


async def test_deleting_commitment_cascades(db: Database) -> None:
    entity_id = await insert_entity(db, "Ada Lovelace")
    commitment_id = await db.fetch_value(
        "INSERT INTO commitments (type, description) VALUES ('meeting', 'Standup') RETURNING id"
    )
    goal_id = await db.fetch_value(
        "INSERT INTO goals (description, goal_type) VALUES ('Ship 1.0', 'project') RETURNING id"
    )
    await db.execute(
        "INSERT INTO commitment_participants (commitment_id, entity_id) VALUES (?, ?)",
        (commitment_id, entity_id),
    )
    await db.execute(
        "INSERT INTO goal_commitments (goal_id, commitment_id) VALUES (?, ?)",
        (goal_id, commitment_id),
    )

    await db.execute("DELETE FROM commitments WHERE id = ?", (commitment_id,))

    assert await db.fetch_value("SELECT count(*) FROM commitment_participants") == 0
    assert await db.fetch_value("SELECT count(*) FROM goal_commitments") == 0


async def test_participant_needs_existing_commitment(db: Database) -> None:
    entity_id = await insert_entity(db, "Ada Lovelace")

    with pytest.raises(DatabaseError) as error:
        await db.execute(
            "INSERT INTO commitment_participants (commitment_id, entity_id)"
            " VALUES ('no-such-commitment', ?)",
            (entity_id,),
        )

    assert_integrity_error(error, "FOREIGN KEY constraint failed")
