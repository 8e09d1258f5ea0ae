-- Habits a person keeps, and the days each one was done.
CREATE TABLE habits (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    entity_id TEXT REFERENCES entities(id) ON DELETE CASCADE,
    streak INTEGER NOT NULL DEFAULT 0 CHECK (streak >= 0),
    last_done_on TEXT CHECK (last_done_on IS NULL OR last_done_on = date(last_done_on)),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (entity_id, name)
);

CREATE TABLE habit_checkins (
    habit_id TEXT NOT NULL REFERENCES habits(id) ON DELETE CASCADE,
    done_on TEXT NOT NULL CHECK (done_on = date(done_on)),
    PRIMARY KEY (habit_id, done_on)
) WITHOUT ROWID;
