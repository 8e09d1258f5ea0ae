-- The decision and commitment signals that run_extraction() has applied to a value, one
-- row per (value, evidence type, source id). A later run skips these, so extraction is
-- idempotent even after the value's evidence list, capped at 20 items, has dropped them.
-- Deleting a value deletes its rows, so the next extraction rebuilds it from history.
CREATE TABLE value_extraction_sources (
    value_name     TEXT NOT NULL
                   REFERENCES user_values (name) ON DELETE CASCADE ON UPDATE CASCADE,
    evidence_type  TEXT NOT NULL CHECK (evidence_type IN ('decision', 'commitment')),
    source_id      TEXT NOT NULL,
    reinforces     INTEGER NOT NULL CHECK (reinforces IN (0, 1)),
    applied_at     TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                   CHECK (applied_at = datetime(applied_at)),
    PRIMARY KEY (value_name, evidence_type, source_id)
);
