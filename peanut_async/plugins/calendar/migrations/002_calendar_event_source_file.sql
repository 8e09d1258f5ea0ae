-- Calendar plugin version 2: the file each event was last written from.
--
-- An event's identity stays (source, uid, recurrence_id), so the same UID in two files
-- of one source is one event. The file name lets an import warn when it replaces an
-- event whose stored copy came from another file: the absolute path for a file import,
-- the caller's label for imported bytes, NULL for events given to ingest_events and for
-- rows written before this version.

ALTER TABLE calendar_events ADD COLUMN source_file TEXT;
