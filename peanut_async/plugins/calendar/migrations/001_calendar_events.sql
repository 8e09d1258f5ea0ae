-- Calendar plugin version 1: what a meeting commitment cannot hold about its event.
--
-- Each imported event or recurrence instance is one row here and one commitment of
-- type 'meeting'. The commitment's source_type is 'calendar' and its source_id is this
-- row's id. Instants follow the core convention: UTC text 'YYYY-MM-DD HH:MM:SS'.

CREATE TABLE calendar_events (
    id               TEXT NOT NULL PRIMARY KEY,
    -- The event's identity: the calendar kind it came from ('ics', 'google' or a name
    -- the caller chose), its UID or event id, and its RECURRENCE-ID in canonical text
    -- ('' for an event that is not one instance of a series).
    source           TEXT NOT NULL CHECK (source <> ''),
    uid              TEXT NOT NULL CHECK (uid <> ''),
    recurrence_id    TEXT NOT NULL DEFAULT '',
    commitment_id    TEXT NOT NULL UNIQUE REFERENCES commitments (id) ON DELETE CASCADE,
    -- iCalendar SEQUENCE: a stored higher sequence is never overwritten by a lower one.
    sequence         INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    -- Digest of every stored field of the event and its attendees, so an unchanged
    -- event is recognised without comparing rows.
    content_hash     TEXT NOT NULL,
    description      TEXT,
    location         TEXT,
    meeting_url      TEXT,
    recurrence_rule  TEXT,
    organizer_email  TEXT CHECK (organizer_email IS NULL OR organizer_email = lower(organizer_email)),
    event_status     TEXT NOT NULL CHECK (event_status IN ('confirmed', 'tentative', 'cancelled')),
    all_day          INTEGER NOT NULL CHECK (all_day IN (0, 1)),
    created_at       TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                     CHECK (created_at = datetime(created_at)),
    updated_at       TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                     CHECK (updated_at = datetime(updated_at)),
    UNIQUE (source, uid, recurrence_id)
);
