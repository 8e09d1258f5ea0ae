-- Core schema version 1: the base tables.
--
-- Contains the knowledge the assistant collects: entities and their attributes and
-- assertions, the entity graph, messages with their full-text index (messages_fts),
-- activity events, screen captures, contexts and their membership and visibility rules,
-- commitments (meetings included) and goals. The strategy tables that model the user
-- are in 002, and commitment_participants, decisions and value_conflicts are in 003.
--
-- Conventions every table follows:
-- - Ids are text UUIDs. The library passes its own uuid4 strings. The id DEFAULT builds
--   a random version 4 UUID in SQL (lowercase 8-4-4-4-12 hex, version digit 4,
--   variant digit 8, 9, a or b) for seed rows and rows inserted by hand.
-- - Instants are UTC text 'YYYY-MM-DD HH:MM:SS', the form of CURRENT_TIMESTAMP and
--   datetime('now'), so text comparison orders them. CHECK (x = datetime(x)) rejects
--   any other form (a 'T' separator, a 'Z' or offset suffix, fractional seconds).
--   Columns that may hold an all-day date also accept 'YYYY-MM-DD'.
-- - JSON columns hold valid JSON. A CASE guards json_type(), which raises an error
--   instead of returning false on malformed text.
-- - Booleans are INTEGER 0 or 1.
-- - A reference that the row cannot exist without cascades on delete. An optional
--   reference is set to NULL so the row survives the deletion.

-- Core knowledge ------------------------------------------------------------------

CREATE TABLE entities (
    id              TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    canonical_name  TEXT NOT NULL,
    entity_type     TEXT NOT NULL
                    CHECK (entity_type IN ('person', 'org', 'place', 'thing')),
    created_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                    CHECK (created_at = datetime(created_at)),
    updated_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                    CHECK (updated_at = datetime(updated_at)),
    -- ids of the entities merged into this one
    merge_history   TEXT NOT NULL DEFAULT '[]'
                    CHECK (CASE WHEN json_valid(merge_history)
                                THEN json_type(merge_history) = 'array' ELSE 0 END),
    community_id    TEXT REFERENCES entity_communities (id) ON DELETE SET NULL,
    activation      REAL NOT NULL DEFAULT 0 CHECK (activation BETWEEN 0 AND 1),
    last_accessed   TEXT CHECK (last_accessed IS NULL OR last_accessed = datetime(last_accessed))
);

CREATE INDEX idx_entities_canonical_name ON entities (canonical_name);
CREATE INDEX idx_entities_community_id ON entities (community_id);

CREATE TABLE entity_attributes (
    id                   TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    entity_id            TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    -- email, phone, title, alias, company, ...
    attribute_type       TEXT NOT NULL,
    attribute_value      TEXT NOT NULL,
    confidence           REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    source_assertion_id  TEXT REFERENCES assertions (id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                         CHECK (created_at = datetime(created_at)),
    UNIQUE (entity_id, attribute_type, attribute_value),
    -- Emails are stored lowercased, so the unique index below compares addresses
    -- case-insensitively. SQLite's lower() folds ASCII letters only.
    CHECK (attribute_type <> 'email' OR attribute_value = lower(attribute_value))
);

-- An email address belongs to at most one entity, so two concurrent ingests cannot
-- create two people for one address: the second insert fails and can look the first up.
CREATE UNIQUE INDEX idx_entity_attributes_email
    ON entity_attributes (attribute_value) WHERE attribute_type = 'email';
-- Lookups by phone, alias and the other types (the UNIQUE constraint starts with
-- entity_id, so it cannot serve them).
CREATE INDEX idx_entity_attributes_type_value
    ON entity_attributes (attribute_type, attribute_value);
CREATE INDEX idx_entity_attributes_source_assertion
    ON entity_attributes (source_assertion_id);

CREATE TABLE assertions (
    id                 TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    subject_entity_id  TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    predicate          TEXT NOT NULL,
    object_text        TEXT,
    object_entity_id   TEXT REFERENCES entities (id) ON DELETE CASCADE,
    confidence         REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    source_type        TEXT,
    source_id          TEXT,
    source_timestamp   TEXT CHECK (source_timestamp IS NULL
                                   OR source_timestamp = datetime(source_timestamp)),
    extracted_at       TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                       CHECK (extracted_at = datetime(extracted_at)),
    embedding_id       TEXT,
    -- bi-temporal validity: when the fact held in the world (NULL = open-ended)
    valid_from         TEXT CHECK (valid_from IS NULL OR valid_from = datetime(valid_from)),
    valid_until        TEXT CHECK (valid_until IS NULL OR valid_until = datetime(valid_until)),
    context_id         TEXT REFERENCES context_boundaries (id) ON DELETE SET NULL,
    visibility_scope   TEXT NOT NULL DEFAULT 'private'
                       CHECK (visibility_scope IN ('private', 'context_only', 'global')),
    CHECK (object_text IS NOT NULL OR object_entity_id IS NOT NULL),
    CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_until >= valid_from)
);

CREATE INDEX idx_assertions_subject_predicate ON assertions (subject_entity_id, predicate);
CREATE INDEX idx_assertions_object_entity ON assertions (object_entity_id);
CREATE INDEX idx_assertions_source ON assertions (source_type, source_id);
CREATE INDEX idx_assertions_context ON assertions (context_id);

-- Graph ---------------------------------------------------------------------------

CREATE TABLE graph_edges (
    id                TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    from_entity_id    TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    to_entity_id      TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    -- works_with, communicates_with, ...
    edge_type         TEXT NOT NULL,
    strength          REAL NOT NULL DEFAULT 0.5 CHECK (strength BETWEEN 0 AND 1),
    evidence_count    INTEGER NOT NULL DEFAULT 1 CHECK (evidence_count >= 0),
    last_evidence_at  TEXT CHECK (last_evidence_at IS NULL
                                  OR last_evidence_at = datetime(last_evidence_at)),
    created_at        TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                      CHECK (created_at = datetime(created_at)),
    UNIQUE (from_entity_id, to_entity_id, edge_type),
    CHECK (from_entity_id <> to_entity_id)
);

-- Incoming edges (outgoing ones are served by the UNIQUE constraint's index).
CREATE INDEX idx_graph_edges_to_entity ON graph_edges (to_entity_id);

CREATE TABLE entity_communities (
    id                 TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    community_name     TEXT,
    member_count       INTEGER NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    cohesion_score     REAL,
    central_entity_id  TEXT REFERENCES entities (id) ON DELETE SET NULL,
    detected_at        TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                       CHECK (detected_at = datetime(detected_at)),
    last_updated       TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                       CHECK (last_updated = datetime(last_updated))
);

-- Messages ------------------------------------------------------------------------

CREATE TABLE messages (
    id                    TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    -- gmail, imessage, ...
    source_type           TEXT NOT NULL,
    source_id             TEXT NOT NULL,
    thread_id             TEXT,
    sender_entity_id      TEXT REFERENCES entities (id) ON DELETE SET NULL,
    recipient_entity_ids  TEXT NOT NULL DEFAULT '[]'
                          CHECK (CASE WHEN json_valid(recipient_entity_ids)
                                      THEN json_type(recipient_entity_ids) = 'array'
                                      ELSE 0 END),
    subject               TEXT,
    body_text             TEXT,
    body_html             TEXT,
    timestamp             TEXT NOT NULL CHECK (timestamp = datetime(timestamp)),
    is_from_user          INTEGER NOT NULL DEFAULT 0 CHECK (is_from_user IN (0, 1)),
    processed             INTEGER NOT NULL DEFAULT 0 CHECK (processed IN (0, 1)),
    created_at            TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                          CHECK (created_at = datetime(created_at)),
    UNIQUE (source_type, source_id)
);

CREATE INDEX idx_messages_thread_timestamp ON messages (thread_id, timestamp);
CREATE INDEX idx_messages_sender_timestamp ON messages (sender_entity_id, timestamp);
CREATE INDEX idx_messages_timestamp ON messages (timestamp);
CREATE INDEX idx_messages_unprocessed ON messages (timestamp) WHERE processed = 0;

-- Full-text index over messages.subject and messages.body_text. It stores no copy of
-- the text (external content): the triggers below keep it in step with messages.
-- Upsert messages with INSERT ... ON CONFLICT DO UPDATE. INSERT OR REPLACE deletes the
-- old row without firing the delete trigger (unless PRAGMA recursive_triggers is on),
-- which leaves stale entries in the index.
-- NOTE: the index is keyed by messages' implicit rowid. SQLite documents that VACUUM
-- may renumber the rowids of a table without an INTEGER PRIMARY KEY (3.40 keeps them),
-- so after a VACUUM that does, rebuild with
-- INSERT INTO messages_fts (messages_fts) VALUES ('rebuild').
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    subject,
    body_text,
    content = 'messages',
    content_rowid = 'rowid'
);

CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages
BEGIN
    INSERT INTO messages_fts (rowid, subject, body_text)
    VALUES (new.rowid, new.subject, new.body_text);
END;

-- An external-content index deletes an entry by being given the old values again.
CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, subject, body_text)
    VALUES ('delete', old.rowid, old.subject, old.body_text);
END;

-- Only changes to the indexed columns touch the index, so marking messages processed
-- costs nothing here.
CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF subject, body_text ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, subject, body_text)
    VALUES ('delete', old.rowid, old.subject, old.body_text);
    INSERT INTO messages_fts (rowid, subject, body_text)
    VALUES (new.rowid, new.subject, new.body_text);
END;

-- Events --------------------------------------------------------------------------

CREATE TABLE events (
    id                 TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    -- CALENDAR_EVENT, ...
    event_type         TEXT NOT NULL,
    timestamp          TEXT NOT NULL CHECK (timestamp = datetime(timestamp)),
    payload            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    context_type       TEXT,
    processed          INTEGER NOT NULL DEFAULT 0 CHECK (processed IN (0, 1)),
    app_id             TEXT,
    window_title       TEXT,
    url                TEXT,
    -- ids of the entities the event involves
    entities           TEXT NOT NULL DEFAULT '[]'
                       CHECK (CASE WHEN json_valid(entities)
                                   THEN json_type(entities) = 'array' ELSE 0 END),
    activity_category  TEXT,
    assertion_ids      TEXT NOT NULL DEFAULT '[]'
                       CHECK (CASE WHEN json_valid(assertion_ids)
                                   THEN json_type(assertion_ids) = 'array' ELSE 0 END)
);

CREATE INDEX idx_events_type_timestamp ON events (event_type, timestamp);
CREATE INDEX idx_events_timestamp ON events (timestamp);
CREATE INDEX idx_events_unprocessed ON events (timestamp) WHERE processed = 0;

-- Screen memory -------------------------------------------------------------------

CREATE TABLE screen_captures (
    id                  TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    timestamp           TEXT NOT NULL CHECK (timestamp = datetime(timestamp)),
    app                 TEXT,
    window_title        TEXT,
    url                 TEXT,
    screenshot_path     TEXT,
    -- position of the capture inside the recording at screenshot_path
    frame_offset        INTEGER CHECK (frame_offset IS NULL OR frame_offset >= 0),
    ocr_text            TEXT,
    embedding_id        TEXT,
    entities            TEXT NOT NULL DEFAULT '[]'
                        CHECK (CASE WHEN json_valid(entities)
                                    THEN json_type(entities) = 'array' ELSE 0 END),
    activity_type       TEXT CHECK (activity_type IS NULL
                                    OR activity_type IN ('browsing', 'document', 'chat', 'code')),
    context_type        TEXT,
    ocr_complete        INTEGER NOT NULL DEFAULT 0 CHECK (ocr_complete IN (0, 1)),
    embedding_complete  INTEGER NOT NULL DEFAULT 0 CHECK (embedding_complete IN (0, 1))
);

CREATE INDEX idx_screen_captures_timestamp ON screen_captures (timestamp);
CREATE INDEX idx_screen_captures_ocr_pending
    ON screen_captures (timestamp) WHERE ocr_complete = 0;
CREATE INDEX idx_screen_captures_embedding_pending
    ON screen_captures (timestamp) WHERE embedding_complete = 0;

-- Context -------------------------------------------------------------------------

CREATE TABLE context_boundaries (
    id                        TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    context_name              TEXT NOT NULL UNIQUE,
    visibility_policy         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(visibility_policy)),
    classification_signals    TEXT NOT NULL DEFAULT '{}'
                              CHECK (json_valid(classification_signals)),
    formality_floor           REAL NOT NULL DEFAULT 0 CHECK (formality_floor BETWEEN 0 AND 1),
    professionalism_required  INTEGER NOT NULL DEFAULT 0
                              CHECK (professionalism_required IN (0, 1)),
    humor_allowed             INTEGER NOT NULL DEFAULT 1 CHECK (humor_allowed IN (0, 1))
);

INSERT INTO context_boundaries
    (context_name, formality_floor, professionalism_required, humor_allowed)
VALUES
    ('work', 0.6, 1, 0),
    ('personal', 0.0, 0, 1),
    ('family', 0.0, 0, 1);

CREATE TABLE entity_context_membership (
    entity_id   TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    context_id  TEXT NOT NULL REFERENCES context_boundaries (id) ON DELETE CASCADE,
    confidence  REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    PRIMARY KEY (entity_id, context_id)
) WITHOUT ROWID;

CREATE INDEX idx_entity_context_membership_context ON entity_context_membership (context_id);

-- Overrides assertions.visibility_scope for one assertion. Deleting the context deletes
-- the override, so the assertion falls back to its own scope (private by default)
-- rather than becoming visible everywhere.
CREATE TABLE assertion_visibility (
    assertion_id      TEXT NOT NULL PRIMARY KEY
                      REFERENCES assertions (id) ON DELETE CASCADE,
    context_id        TEXT REFERENCES context_boundaries (id) ON DELETE CASCADE,
    visibility_scope  TEXT NOT NULL
                      CHECK (visibility_scope IN ('private', 'context_only', 'global')),
    CHECK (visibility_scope <> 'context_only' OR context_id IS NOT NULL)
);

CREATE INDEX idx_assertion_visibility_context ON assertion_visibility (context_id);

CREATE TABLE active_context (
    session_id          TEXT NOT NULL PRIMARY KEY,
    current_context     TEXT NOT NULL,
    detected_at         TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                        CHECK (detected_at = datetime(detected_at)),
    signals             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(signals)),
    confidence          REAL NOT NULL DEFAULT 0 CHECK (confidence BETWEEN 0 AND 1),
    active_persona      TEXT,
    style_adjustments   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(style_adjustments))
);

-- Commitments and goals -----------------------------------------------------------

CREATE TABLE commitments (
    id                      TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    type                    TEXT NOT NULL
                            CHECK (type IN ('promise', 'ask', 'decision', 'deadline', 'meeting')),
    description             TEXT NOT NULL,
    owner_entity_id         TEXT REFERENCES entities (id) ON DELETE SET NULL,
    counterparty_entity_id  TEXT REFERENCES entities (id) ON DELETE SET NULL,
    -- When it is due, which for a meeting is its start. An instant, or 'YYYY-MM-DD'
    -- for an all-day date.
    due_date                TEXT CHECK (due_date IS NULL
                                        OR due_date = datetime(due_date)
                                        OR due_date = date(due_date)),
    -- end of a meeting, in the same form as due_date (an all-day end date is exclusive,
    -- as in iCalendar)
    end_date                TEXT CHECK (end_date IS NULL
                                        OR end_date = datetime(end_date)
                                        OR end_date = date(end_date)),
    status                  TEXT NOT NULL DEFAULT 'open'
                            CHECK (status IN ('open', 'completed', 'broken', 'cancelled')),
    -- Where the commitment came from, e.g. a calendar and its event id. Re-ingesting
    -- the same source row finds the existing commitment through the UNIQUE constraint.
    -- Both are NULL for commitments made by hand, and SQLite lets NULL pairs repeat.
    source_type             TEXT,
    source_id               TEXT,
    source_timestamp        TEXT CHECK (source_timestamp IS NULL
                                        OR source_timestamp = datetime(source_timestamp)),
    created_at              TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                            CHECK (created_at = datetime(created_at)),
    completed_at            TEXT CHECK (completed_at IS NULL
                                        OR completed_at = datetime(completed_at)),
    reminder_sent           INTEGER NOT NULL DEFAULT 0 CHECK (reminder_sent IN (0, 1)),
    UNIQUE (source_type, source_id),
    -- A half-set source would escape the UNIQUE constraint, which ignores NULLs.
    CHECK ((source_type IS NULL) = (source_id IS NULL)),
    CHECK (end_date IS NULL OR due_date IS NULL OR end_date >= due_date)
);

-- Upcoming meetings in a window, and past meetings to mark completed.
CREATE INDEX idx_commitments_type_due_date ON commitments (type, due_date);
-- Open commitments by due date, for reminders.
CREATE INDEX idx_commitments_status_due_date ON commitments (status, due_date);
CREATE INDEX idx_commitments_owner ON commitments (owner_entity_id);
CREATE INDEX idx_commitments_counterparty ON commitments (counterparty_entity_id);

CREATE TABLE goals (
    id                TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    description       TEXT NOT NULL,
    goal_type         TEXT NOT NULL CHECK (goal_type IN ('short_term', 'long_term', 'project')),
    status            TEXT NOT NULL DEFAULT 'active',
    parent_goal_id    TEXT REFERENCES goals (id) ON DELETE SET NULL,
    related_entities  TEXT NOT NULL DEFAULT '[]'
                      CHECK (CASE WHEN json_valid(related_entities)
                                  THEN json_type(related_entities) = 'array' ELSE 0 END),
    created_at        TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                      CHECK (created_at = datetime(created_at)),
    -- an instant, or 'YYYY-MM-DD' for a goal due on a day
    target_date       TEXT CHECK (target_date IS NULL
                                  OR target_date = datetime(target_date)
                                  OR target_date = date(target_date)),
    completed_at      TEXT CHECK (completed_at IS NULL OR completed_at = datetime(completed_at)),
    CHECK (parent_goal_id IS NULL OR parent_goal_id <> id)
);

CREATE INDEX idx_goals_parent ON goals (parent_goal_id);
CREATE INDEX idx_goals_status_target_date ON goals (status, target_date);

CREATE TABLE goal_commitments (
    goal_id        TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    commitment_id  TEXT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    PRIMARY KEY (goal_id, commitment_id)
) WITHOUT ROWID;

CREATE INDEX idx_goal_commitments_commitment ON goal_commitments (commitment_id);
