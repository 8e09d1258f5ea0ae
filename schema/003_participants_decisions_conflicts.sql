-- Core schema version 3: commitment_participants, decisions and value_conflicts.
--
-- commitment_participants links a commitment (usually a meeting) to each attendee and
-- their response. decisions contains the decision points recorded by the decisions
-- plugin, with their options, choice and outcome. value_conflicts counts how often two
-- of the user's values pulled in different directions.
--
-- The conventions of 001_base_tables.sql apply. Every index name here is unique across
-- the schema: the decision_records indexes (002) are named idx_decision_records_*, so
-- none of the idx_decisions_* indexes below is skipped.

CREATE TABLE commitment_participants (
    id               TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    commitment_id    TEXT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    entity_id        TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    -- The values of Google Calendar's responseStatus. iCalendar's PARTSTAT maps onto
    -- them, and an attendee without PARTSTAT has not responded (needsAction).
    response_status  TEXT NOT NULL DEFAULT 'needsAction'
                     CHECK (response_status IN ('accepted', 'declined', 'tentative',
                                                'needsAction')),
    created_at       TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                     CHECK (created_at = datetime(created_at)),
    UNIQUE (commitment_id, entity_id)
);

-- The attendees of one commitment are found through the UNIQUE constraint's index,
-- which starts with commitment_id, so no separate index on commitment_id exists.
-- This one finds one person's commitments, optionally by their response.
CREATE INDEX idx_commitment_participants_entity_status
    ON commitment_participants (entity_id, response_status);

CREATE TABLE decisions (
    id                       TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    decision_type            TEXT NOT NULL
                             CHECK (decision_type IN ('scheduling', 'communication',
                                                      'prioritization', 'delegation',
                                                      'resource', 'commitment', 'other')),
    description              TEXT NOT NULL,
    -- [{id, label, description, effort, risk}, ...]
    options                  TEXT NOT NULL
                             CHECK (CASE WHEN json_valid(options)
                                         THEN json_type(options) = 'array' ELSE 0 END),
    -- the id of one of the options (the schema cannot check that it is one of them)
    chosen_option_id         TEXT,
    -- an object: entity ids, commitment ids, time constraints, emotional state,
    -- workload level and source
    context                  TEXT NOT NULL DEFAULT '{}'
                             CHECK (CASE WHEN json_valid(context)
                                         THEN json_type(context) = 'object' ELSE 0 END),
    -- {rating, notes, recorded_at}, NULL until the outcome is recorded
    outcome                  TEXT
                             CHECK (outcome IS NULL
                                    OR CASE WHEN json_valid(outcome)
                                            THEN json_type(outcome) = 'object'
                                                 AND json_extract(outcome, '$.rating')
                                                     IN ('positive', 'neutral', 'negative')
                                            ELSE 0 END),
    created_at               TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                             CHECK (created_at = datetime(created_at)),
    decided_at               TEXT CHECK (decided_at IS NULL OR decided_at = datetime(decided_at)),
    -- similar past decisions with their scores, stored when the decision is recorded
    -- and recomputed when the choice is made
    pattern_match            TEXT CHECK (pattern_match IS NULL OR json_valid(pattern_match)),
    consistency_with_values  REAL CHECK (consistency_with_values IS NULL
                                         OR consistency_with_values BETWEEN 0 AND 1)
);

-- Decisions of one type, newest first.
CREATE INDEX idx_decisions_type_created_at ON decisions (decision_type, created_at DESC);
-- Decisions of one type with an outcome, newest first (similar decisions and
-- suggestions). Without it, a type whose decisions seldom have an outcome is read row
-- by row to find the few that do. A query uses it when it implies outcome IS NOT NULL.
CREATE INDEX idx_decisions_type_rated_created_at
    ON decisions (decision_type, created_at DESC) WHERE outcome IS NOT NULL;
-- Decisions of all types in a time window (pattern analysis).
CREATE INDEX idx_decisions_created_at ON decisions (created_at);
-- Time to decide, and decisions still open (decided_at IS NULL).
CREATE INDEX idx_decisions_decided_at ON decisions (decided_at);
-- Outcome distribution and success rate. A query uses this index when it names the
-- same expression, json_extract(outcome, '$.rating'), and implies outcome IS NOT NULL.
CREATE INDEX idx_decisions_outcome_rating
    ON decisions (json_extract(outcome, '$.rating')) WHERE outcome IS NOT NULL;

-- One row per unordered pair of value names, stored with value1_name < value2_name,
-- so (a, b) and (b, a) cannot both exist and concurrent upserts on one pair meet on
-- the UNIQUE constraint. The names need not be stored in user_values yet.
CREATE TABLE value_conflicts (
    id                TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    value1_name       TEXT NOT NULL,
    value2_name       TEXT NOT NULL,
    occurrence_count  INTEGER NOT NULL DEFAULT 1 CHECK (occurrence_count >= 1),
    last_occurred     TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                      CHECK (last_occurred = datetime(last_occurred)),
    last_context      TEXT,
    created_at        TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                      CHECK (created_at = datetime(created_at)),
    UNIQUE (value1_name, value2_name),
    CHECK (value1_name < value2_name)
);

-- Conflicts involving a value that sorts second in its pair (the UNIQUE constraint's
-- index serves value1_name).
CREATE INDEX idx_value_conflicts_value2 ON value_conflicts (value2_name);
