-- decision_entities lists, for each decision, the entity ids in its context's entity_ids
-- array, so a lookup by entity reads that entity's rows instead of the JSON of every
-- stored decision. The triggers below keep it in step with decisions.context on every
-- INSERT and UPDATE, raw SQL and upserts included, and the INSERT at the end fills it
-- from existing decisions. Deletes cascade through the foreign key, which SQLite
-- enforces only under PRAGMA foreign_keys = ON (every connection of this library sets
-- it). A row that a connection without it leaves behind joins no decision, so no list
-- returns it, and the INSERT trigger removes it before a decision reuses the id.
--
-- Each row copies one element of json_each(context, '$.entity_ids') whose JSON type is
-- text, because entity ids are strings: a number, null, array or object in that list
-- is left out. Duplicate ids in one context are stored once (SELECT DISTINCT).
CREATE TABLE decision_entities (
    entity_id    TEXT NOT NULL,
    decision_id  TEXT NOT NULL
                 REFERENCES decisions (id) ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY (entity_id, decision_id)
) WITHOUT ROWID;

-- The primary key serves lookups by entity. This index serves the ON DELETE CASCADE
-- above and the UPDATE trigger's DELETE, which find a decision's rows by decision_id.
CREATE INDEX idx_decision_entities_decision_id ON decision_entities (decision_id);

CREATE TRIGGER decision_entities_after_insert AFTER INSERT ON decisions
BEGIN
    DELETE FROM decision_entities WHERE decision_id = NEW.id;
    INSERT INTO decision_entities (entity_id, decision_id)
    SELECT DISTINCT value, NEW.id
    FROM json_each(NEW.context, '$.entity_ids')
    WHERE type = 'text';
END;

-- Deleting the rows of both OLD.id and NEW.id covers an UPDATE that changes id and
-- context together: ON UPDATE CASCADE has already moved the old rows to NEW.id.
CREATE TRIGGER decision_entities_after_update_context AFTER UPDATE OF context ON decisions
BEGIN
    DELETE FROM decision_entities WHERE decision_id IN (OLD.id, NEW.id);
    INSERT INTO decision_entities (entity_id, decision_id)
    SELECT DISTINCT value, NEW.id
    FROM json_each(NEW.context, '$.entity_ids')
    WHERE type = 'text';
END;

INSERT INTO decision_entities (entity_id, decision_id)
SELECT DISTINCT e.value, d.id
FROM decisions AS d, json_each(d.context, '$.entity_ids') AS e
WHERE e.type = 'text';
