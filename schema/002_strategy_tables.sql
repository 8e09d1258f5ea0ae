-- Core schema version 2: the strategy tables.
--
-- Contains the assistant's model of the user. That is behavioural patterns, daily
-- rhythms and predictions, writing style and rapport, cognitive patterns, values and
-- passively observed decisions (decision_records), engagement tracking and the learned
-- style dimensions. It also contains belief contradictions and revisions, the
-- entity-resolution quarantine, the per-session prompt context and the ethical bounds
-- on replies. The user_style, user_style_dimensions, engagement_baselines and
-- ethical_bounds tables are seeded here.
--
-- The conventions of 001_base_tables.sql apply: text UUID ids with an SQL default,
-- UTC instants as 'YYYY-MM-DD HH:MM:SS' checked with x = datetime(x), JSON checked
-- with json_valid, booleans as INTEGER 0 or 1.

-- Behavioural ---------------------------------------------------------------------

CREATE TABLE behavioral_patterns (
    id                 TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    pattern_type       TEXT NOT NULL
                       CHECK (pattern_type IN ('habit', 'rhythm', 'routine', 'trigger_response')),
    description        TEXT NOT NULL,
    detected_at        TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                       CHECK (detected_at = datetime(detected_at)),
    time_signature     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(time_signature)),
    occurrence_times   TEXT NOT NULL DEFAULT '[]'
                       CHECK (CASE WHEN json_valid(occurrence_times)
                                   THEN json_type(occurrence_times) = 'array' ELSE 0 END),
    habit_strength     REAL NOT NULL DEFAULT 0 CHECK (habit_strength BETWEEN 0 AND 1),
    observation_count  INTEGER NOT NULL DEFAULT 0 CHECK (observation_count >= 0),
    last_observed      TEXT CHECK (last_observed IS NULL OR last_observed = datetime(last_observed)),
    next_predicted     TEXT CHECK (next_predicted IS NULL
                                   OR next_predicted = datetime(next_predicted)),
    confidence         REAL NOT NULL DEFAULT 0 CHECK (confidence BETWEEN 0 AND 1)
);

CREATE INDEX idx_behavioral_patterns_type ON behavioral_patterns (pattern_type);
CREATE INDEX idx_behavioral_patterns_next_predicted ON behavioral_patterns (next_predicted);

-- One row per user, weekday and hour of the day.
CREATE TABLE daily_rhythms (
    user_id                TEXT NOT NULL DEFAULT 'default',
    -- 0 = Monday .. 6 = Sunday
    day_of_week            INTEGER NOT NULL
                           CHECK (typeof(day_of_week) = 'integer' AND day_of_week BETWEEN 0 AND 6),
    hour                   INTEGER NOT NULL
                           CHECK (typeof(hour) = 'integer' AND hour BETWEEN 0 AND 23),
    activity_distribution  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(activity_distribution)),
    focus_score_avg        REAL,
    energy_level_avg       REAL,
    -- seconds
    response_time_avg      REAL CHECK (response_time_avg IS NULL OR response_time_avg >= 0),
    message_volume         INTEGER NOT NULL DEFAULT 0 CHECK (message_volume >= 0),
    typical_context        TEXT,
    PRIMARY KEY (user_id, day_of_week, hour)
) WITHOUT ROWID;

CREATE TABLE predictions (
    id                 TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    prediction_type    TEXT NOT NULL
                       CHECK (prediction_type IN ('next_action', 'need_surfaced', 'context_switch')),
    target             TEXT NOT NULL,
    confidence         REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    predicted_time     TEXT CHECK (predicted_time IS NULL
                                   OR predicted_time = datetime(predicted_time)),
    based_on_patterns  TEXT NOT NULL DEFAULT '[]'
                       CHECK (CASE WHEN json_valid(based_on_patterns)
                                   THEN json_type(based_on_patterns) = 'array' ELSE 0 END),
    context_signals    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context_signals)),
    -- NULL until the prediction is evaluated
    was_correct        INTEGER CHECK (was_correct IS NULL OR was_correct IN (0, 1)),
    actual_time        TEXT CHECK (actual_time IS NULL OR actual_time = datetime(actual_time)),
    user_feedback      TEXT,
    created_at         TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                       CHECK (created_at = datetime(created_at))
);

CREATE INDEX idx_predictions_type_created_at ON predictions (prediction_type, created_at);
CREATE INDEX idx_predictions_unevaluated
    ON predictions (predicted_time) WHERE was_correct IS NULL;

-- Personality ---------------------------------------------------------------------

-- The user's own writing style: exactly one row, whose id is 'default'.
CREATE TABLE user_style (
    id                  TEXT NOT NULL PRIMARY KEY DEFAULT 'default' CHECK (id = 'default'),
    formality           REAL NOT NULL DEFAULT 0.5 CHECK (formality BETWEEN 0 AND 1),
    verbosity           REAL NOT NULL DEFAULT 0.5 CHECK (verbosity BETWEEN 0 AND 1),
    emoji_density       REAL NOT NULL DEFAULT 0 CHECK (emoji_density BETWEEN 0 AND 1),
    -- characters
    avg_message_length  REAL NOT NULL DEFAULT 0 CHECK (avg_message_length >= 0),
    greeting_patterns   TEXT NOT NULL DEFAULT '[]'
                        CHECK (CASE WHEN json_valid(greeting_patterns)
                                    THEN json_type(greeting_patterns) = 'array' ELSE 0 END),
    signoff_patterns    TEXT NOT NULL DEFAULT '[]'
                        CHECK (CASE WHEN json_valid(signoff_patterns)
                                    THEN json_type(signoff_patterns) = 'array' ELSE 0 END),
    signature_phrases   TEXT NOT NULL DEFAULT '[]'
                        CHECK (CASE WHEN json_valid(signature_phrases)
                                    THEN json_type(signature_phrases) = 'array' ELSE 0 END),
    interaction_count   INTEGER NOT NULL DEFAULT 0 CHECK (interaction_count >= 0),
    updated_at          TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                        CHECK (updated_at = datetime(updated_at))
);

INSERT INTO user_style (id) VALUES ('default');

-- How the user writes to one recipient.
CREATE TABLE recipient_styles (
    recipient_entity_id      TEXT NOT NULL PRIMARY KEY
                             REFERENCES entities (id) ON DELETE CASCADE,
    relationship_type        TEXT,
    formality                REAL CHECK (formality IS NULL OR formality BETWEEN 0 AND 1),
    warmth                   REAL CHECK (warmth IS NULL OR warmth BETWEEN 0 AND 1),
    emoji_usage              REAL CHECK (emoji_usage IS NULL OR emoji_usage BETWEEN 0 AND 1),
    avg_response_time_hours  REAL CHECK (avg_response_time_hours IS NULL
                                         OR avg_response_time_hours >= 0),
    example_messages         TEXT NOT NULL DEFAULT '[]'
                             CHECK (CASE WHEN json_valid(example_messages)
                                         THEN json_type(example_messages) = 'array' ELSE 0 END),
    message_count            INTEGER NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    updated_at               TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                             CHECK (updated_at = datetime(updated_at))
);

-- Rapport with one person, one row per person, updated as interactions arrive.
-- rapport_metrics_v2 keeps the per-interaction history.
CREATE TABLE rapport_metrics (
    id                   TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    entity_id            TEXT NOT NULL UNIQUE REFERENCES entities (id) ON DELETE CASCADE,
    score                REAL NOT NULL DEFAULT 0.5 CHECK (score BETWEEN 0 AND 1),
    trend                TEXT,
    interaction_count    INTEGER NOT NULL DEFAULT 0 CHECK (interaction_count >= 0),
    last_interaction_at  TEXT CHECK (last_interaction_at IS NULL
                                     OR last_interaction_at = datetime(last_interaction_at)),
    updated_at           TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                         CHECK (updated_at = datetime(updated_at))
);

-- Cognitive -----------------------------------------------------------------------

CREATE TABLE cognitive_patterns (
    id                  TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    pattern_type        TEXT NOT NULL
                        CHECK (pattern_type IN ('decision_style', 'priority_framework',
                                                'risk_tolerance')),
    description         TEXT NOT NULL,
    -- ids of the decisions the pattern was inferred from
    based_on_decisions  TEXT NOT NULL DEFAULT '[]'
                        CHECK (CASE WHEN json_valid(based_on_decisions)
                                    THEN json_type(based_on_decisions) = 'array' ELSE 0 END),
    confidence          REAL NOT NULL DEFAULT 0 CHECK (confidence BETWEEN 0 AND 1),
    pattern_parameters  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(pattern_parameters))
);

CREATE INDEX idx_cognitive_patterns_type ON cognitive_patterns (pattern_type);

-- One row per value name, e.g. work_life_balance.
CREATE TABLE user_values (
    id                   TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    name                 TEXT NOT NULL UNIQUE,
    category             TEXT NOT NULL
                         CHECK (category IN ('time', 'relationships', 'work', 'personal',
                                             'financial', 'health', 'growth')),
    -- the value in human wording
    statement            TEXT,
    strength             REAL NOT NULL DEFAULT 0.5 CHECK (strength BETWEEN 0 AND 1),
    stability            REAL NOT NULL DEFAULT 0.5 CHECK (stability BETWEEN 0 AND 1),
    -- The latest evidence items, each {type, source id, description, timestamp,
    -- reinforces}. The writer caps the list's length, because the schema does not.
    evidence             TEXT NOT NULL DEFAULT '[]'
                         CHECK (CASE WHEN json_valid(evidence)
                                     THEN json_type(evidence) = 'array' ELSE 0 END),
    contradiction_count  INTEGER NOT NULL DEFAULT 0 CHECK (contradiction_count >= 0),
    last_reinforced      TEXT CHECK (last_reinforced IS NULL
                                     OR last_reinforced = datetime(last_reinforced)),
    created_at           TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                         CHECK (created_at = datetime(created_at))
);

-- Top values overall and within one category.
CREATE INDEX idx_user_values_strength ON user_values (strength DESC);
CREATE INDEX idx_user_values_category_strength ON user_values (category, strength DESC);

-- Decisions observed passively in the user's activity. Decisions recorded through the
-- decisions plugin are in the decisions table (003).
CREATE TABLE decision_records (
    id                       TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    timestamp                TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                             CHECK (timestamp = datetime(timestamp)),
    decision_type            TEXT NOT NULL,
    description              TEXT,
    options_considered       TEXT NOT NULL DEFAULT '[]'
                             CHECK (CASE WHEN json_valid(options_considered)
                                         THEN json_type(options_considered) = 'array'
                                         ELSE 0 END),
    factors_weighed          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(factors_weighed)),
    choice_made              TEXT,
    reasoning_trace          TEXT,
    pattern_match            TEXT CHECK (pattern_match IS NULL OR json_valid(pattern_match)),
    consistency_with_values  REAL CHECK (consistency_with_values IS NULL
                                         OR consistency_with_values BETWEEN 0 AND 1)
);

CREATE INDEX idx_decision_records_type_timestamp ON decision_records (decision_type, timestamp);
CREATE INDEX idx_decision_records_timestamp ON decision_records (timestamp);

-- Engagement ----------------------------------------------------------------------

CREATE TABLE engagement_events (
    id                       TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    interaction_type         TEXT NOT NULL,
    timestamp                TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                             CHECK (timestamp = datetime(timestamp)),
    -- characters
    ai_draft_length          INTEGER CHECK (ai_draft_length IS NULL OR ai_draft_length >= 0),
    user_final_length        INTEGER CHECK (user_final_length IS NULL OR user_final_length >= 0),
    edit_ratio               REAL CHECK (edit_ratio IS NULL OR edit_ratio BETWEEN 0 AND 1),
    thread_length            INTEGER CHECK (thread_length IS NULL OR thread_length >= 0),
    user_response_sentiment  REAL CHECK (user_response_sentiment IS NULL
                                         OR user_response_sentiment BETWEEN -1 AND 1),
    context_type             TEXT,
    recipient_entity_id      TEXT REFERENCES entities (id) ON DELETE SET NULL,
    learning_applied         INTEGER NOT NULL DEFAULT 0 CHECK (learning_applied IN (0, 1)),
    personality_delta        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(personality_delta))
);

CREATE INDEX idx_engagement_events_timestamp ON engagement_events (timestamp);
CREATE INDEX idx_engagement_events_context_timestamp
    ON engagement_events (context_type, timestamp);
CREATE INDEX idx_engagement_events_recipient ON engagement_events (recipient_entity_id);

-- Expected engagement per kind of conversation, against which each interaction's raw
-- score is normalised. The seeded rows are priors (sample_count 0), replaced by running
-- averages as interactions arrive.
CREATE TABLE engagement_baselines (
    id                   TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    context_type         TEXT NOT NULL UNIQUE,
    -- characters
    avg_response_length  REAL NOT NULL DEFAULT 0 CHECK (avg_response_length >= 0),
    -- messages
    avg_thread_length    REAL NOT NULL DEFAULT 0 CHECK (avg_thread_length >= 0),
    avg_sentiment        REAL NOT NULL DEFAULT 0 CHECK (avg_sentiment BETWEEN -1 AND 1),
    avg_edit_ratio       REAL NOT NULL DEFAULT 0 CHECK (avg_edit_ratio BETWEEN 0 AND 1),
    sample_count         INTEGER NOT NULL DEFAULT 0 CHECK (sample_count >= 0),
    last_updated         TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                         CHECK (last_updated = datetime(last_updated))
);

INSERT INTO engagement_baselines
    (context_type, avg_response_length, avg_thread_length, avg_sentiment, avg_edit_ratio)
VALUES
    ('work_email', 400, 4, 0.1, 0.3),
    ('friend_chat', 60, 12, 0.4, 0.1),
    ('quick_task', 40, 2, 0.0, 0.2),
    ('default', 150, 5, 0.2, 0.25);

-- One row per interaction with its engagement score.
CREATE TABLE rapport_metrics_v2 (
    interaction_id               TEXT NOT NULL PRIMARY KEY,
    timestamp                    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                                 CHECK (timestamp = datetime(timestamp)),
    -- Deleting a baseline that scores were normalised against fails.
    context_type                 TEXT NOT NULL DEFAULT 'default'
                                 REFERENCES engagement_baselines (context_type)
                                 ON UPDATE CASCADE,
    edit_ratio                   REAL CHECK (edit_ratio IS NULL OR edit_ratio BETWEEN 0 AND 1),
    response_sentiment           REAL CHECK (response_sentiment IS NULL
                                             OR response_sentiment BETWEEN -1 AND 1),
    response_length_ratio        REAL CHECK (response_length_ratio IS NULL
                                             OR response_length_ratio >= 0),
    thread_length                INTEGER CHECK (thread_length IS NULL OR thread_length >= 0),
    topic_depth_score            REAL,
    raw_engagement_score         REAL,
    normalized_engagement_score  REAL,
    vent_mode_active             INTEGER NOT NULL DEFAULT 0 CHECK (vent_mode_active IN (0, 1)),
    learning_applied             INTEGER NOT NULL DEFAULT 0 CHECK (learning_applied IN (0, 1)),
    personality_snapshot         TEXT NOT NULL DEFAULT '{}'
                                 CHECK (json_valid(personality_snapshot))
);

CREATE INDEX idx_rapport_metrics_v2_context_timestamp
    ON rapport_metrics_v2 (context_type, timestamp);
CREATE INDEX idx_rapport_metrics_v2_timestamp ON rapport_metrics_v2 (timestamp);

-- The user's style as learned from engagement, every dimension from 0 to 1.
CREATE TABLE user_style_dimensions (
    id                        TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    user_id                   TEXT NOT NULL UNIQUE,
    formality                 REAL NOT NULL DEFAULT 0.5 CHECK (formality BETWEEN 0 AND 1),
    verbosity                 REAL NOT NULL DEFAULT 0.5 CHECK (verbosity BETWEEN 0 AND 1),
    emoji_density             REAL NOT NULL DEFAULT 0.5 CHECK (emoji_density BETWEEN 0 AND 1),
    question_frequency        REAL NOT NULL DEFAULT 0.5
                              CHECK (question_frequency BETWEEN 0 AND 1),
    exclamation_frequency     REAL NOT NULL DEFAULT 0.5
                              CHECK (exclamation_frequency BETWEEN 0 AND 1),
    positivity_bias           REAL NOT NULL DEFAULT 0.5 CHECK (positivity_bias BETWEEN 0 AND 1),
    emotional_expressiveness  REAL NOT NULL DEFAULT 0.5
                              CHECK (emotional_expressiveness BETWEEN 0 AND 1),
    humor_frequency           REAL NOT NULL DEFAULT 0.5 CHECK (humor_frequency BETWEEN 0 AND 1),
    directness                REAL NOT NULL DEFAULT 0.5 CHECK (directness BETWEEN 0 AND 1),
    detail_orientation        REAL NOT NULL DEFAULT 0.5
                              CHECK (detail_orientation BETWEEN 0 AND 1),
    confidence_score          REAL NOT NULL DEFAULT 0.5 CHECK (confidence_score BETWEEN 0 AND 1),
    interaction_count         INTEGER NOT NULL DEFAULT 0 CHECK (interaction_count >= 0),
    last_updated              TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                              CHECK (last_updated = datetime(last_updated))
);

INSERT INTO user_style_dimensions (user_id) VALUES ('default');

CREATE TABLE personality_evolution (
    id                TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    timestamp         TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                      CHECK (timestamp = datetime(timestamp)),
    -- a column name of user_style_dimensions, e.g. formality
    dimension         TEXT NOT NULL,
    old_value         REAL,
    new_value         REAL NOT NULL,
    trigger_event_id  TEXT REFERENCES engagement_events (id) ON DELETE SET NULL,
    learning_rate     REAL CHECK (learning_rate IS NULL OR learning_rate >= 0)
);

CREATE INDEX idx_personality_evolution_dimension_timestamp
    ON personality_evolution (dimension, timestamp);
CREATE INDEX idx_personality_evolution_trigger_event
    ON personality_evolution (trigger_event_id);

-- Belief --------------------------------------------------------------------------

-- Two assertions that cannot both hold. One row per unordered pair: the smaller id is
-- always assertion_id_1.
CREATE TABLE belief_contradictions (
    id                    TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    assertion_id_1        TEXT NOT NULL REFERENCES assertions (id) ON DELETE CASCADE,
    assertion_id_2        TEXT NOT NULL REFERENCES assertions (id) ON DELETE CASCADE,
    detected_at           TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                          CHECK (detected_at = datetime(detected_at)),
    contradiction_type    TEXT NOT NULL
                          CHECK (contradiction_type IN ('direct', 'temporal', 'confidence')),
    severity              REAL NOT NULL DEFAULT 0.5 CHECK (severity BETWEEN 0 AND 1),
    resolution_status     TEXT NOT NULL DEFAULT 'pending'
                          CHECK (resolution_status IN ('pending', 'resolved', 'escalated')),
    resolved_at           TEXT CHECK (resolved_at IS NULL OR resolved_at = datetime(resolved_at)),
    resolution_method     TEXT CHECK (resolution_method IS NULL
                                      OR resolution_method IN ('auto', 'user', 'llm')),
    winning_assertion_id  TEXT REFERENCES assertions (id) ON DELETE SET NULL,
    UNIQUE (assertion_id_1, assertion_id_2),
    CHECK (assertion_id_1 < assertion_id_2),
    CHECK (winning_assertion_id IS NULL
           OR winning_assertion_id IN (assertion_id_1, assertion_id_2))
);

-- Contradictions of one assertion when it is the second of the pair (the UNIQUE
-- constraint's index serves the first).
CREATE INDEX idx_belief_contradictions_assertion_2 ON belief_contradictions (assertion_id_2);
CREATE INDEX idx_belief_contradictions_pending
    ON belief_contradictions (detected_at) WHERE resolution_status = 'pending';

CREATE TABLE belief_revision_log (
    id                  TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    assertion_id        TEXT NOT NULL REFERENCES assertions (id) ON DELETE CASCADE,
    timestamp           TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                        CHECK (timestamp = datetime(timestamp)),
    old_confidence      REAL CHECK (old_confidence IS NULL OR old_confidence BETWEEN 0 AND 1),
    new_confidence      REAL NOT NULL CHECK (new_confidence BETWEEN 0 AND 1),
    reason              TEXT NOT NULL
                        CHECK (reason IN ('new_evidence', 'contradiction', 'user_correction',
                                          'decay')),
    evidence_source_id  TEXT,
    user_initiated      INTEGER NOT NULL DEFAULT 0 CHECK (user_initiated IN (0, 1))
);

CREATE INDEX idx_belief_revision_log_assertion_timestamp
    ON belief_revision_log (assertion_id, timestamp);

-- Resolution ----------------------------------------------------------------------

-- Pairs of possibly identical entities held back for review instead of being merged.
-- The ids are candidates and need not name stored entities yet, so they are not
-- foreign keys.
CREATE TABLE quarantined_entities (
    id                     TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    potential_entity_id_1  TEXT NOT NULL,
    potential_entity_id_2  TEXT NOT NULL,
    similarity_score       REAL NOT NULL CHECK (similarity_score BETWEEN 0 AND 1),
    quarantine_reason      TEXT NOT NULL
                           CHECK (quarantine_reason IN ('low_confidence', 'ambiguous',
                                                        'conflicting_attributes')),
    source_message_id      TEXT REFERENCES messages (id) ON DELETE SET NULL,
    created_at             TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                           CHECK (created_at = datetime(created_at)),
    reviewed               INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1)),
    review_decision        TEXT CHECK (review_decision IS NULL
                                       OR review_decision IN ('merge', 'keep_separate',
                                                              'needs_more_info')),
    reviewed_at            TEXT CHECK (reviewed_at IS NULL OR reviewed_at = datetime(reviewed_at))
);

CREATE INDEX idx_quarantined_entities_unreviewed
    ON quarantined_entities (created_at) WHERE reviewed = 0;
CREATE INDEX idx_quarantined_entities_source_message
    ON quarantined_entities (source_message_id);

-- Prompts -------------------------------------------------------------------------

-- What the reply generator needs to know about one session.
CREATE TABLE dynamic_prompt_context (
    session_id                TEXT NOT NULL PRIMARY KEY,
    current_recipient_id      TEXT REFERENCES entities (id) ON DELETE SET NULL,
    current_channel           TEXT CHECK (current_channel IS NULL
                                          OR current_channel IN ('email', 'imessage', 'slack')),
    current_context_type      TEXT,
    style_prompt              TEXT,
    detected_user_mood        TEXT,
    time_of_day_adjustment    TEXT,
    formality_floor           REAL CHECK (formality_floor IS NULL
                                          OR formality_floor BETWEEN 0 AND 1),
    professionalism_required  INTEGER NOT NULL DEFAULT 0
                              CHECK (professionalism_required IN (0, 1)),
    last_user_feedback        TEXT,
    rapport_score_history     TEXT NOT NULL DEFAULT '[]'
                              CHECK (CASE WHEN json_valid(rapport_score_history)
                                          THEN json_type(rapport_score_history) = 'array'
                                          ELSE 0 END)
);

-- Ethics --------------------------------------------------------------------------

-- Allowed range of each 0-1 score a generated reply is rated on.
CREATE TABLE ethical_bounds (
    dimension    TEXT NOT NULL PRIMARY KEY,
    min_value    REAL NOT NULL CHECK (min_value BETWEEN 0 AND 1),
    max_value    REAL NOT NULL CHECK (max_value BETWEEN 0 AND 1),
    description  TEXT NOT NULL,
    CHECK (min_value <= max_value)
);

INSERT INTO ethical_bounds (dimension, min_value, max_value, description) VALUES
    ('manipulation_score', 0.0, 0.3,
     'How much a reply steers the reader by manipulation rather than by reasons'),
    ('sycophancy_score', 0.0, 0.4,
     'How much a reply flatters or agrees with the user regardless of merit'),
    ('pressure_tactics', 0.0, 0.1,
     'How much a reply pushes for action through urgency, guilt or threats'),
    ('emotional_exploitation', 0.0, 0.2,
     'How much a reply uses the reader''s emotional state against their interest');
