-- Up Migration
-- Each user's number of notes, kept by triggers on notes in the statement that adds or removes them:
-- /note_count (and the export's "nothing to export") read one row instead of counting a user's index
-- entries, which took 10–20 ms for a user with 100,000 notes (BENCHMARKS.md, S4). Statement-level
-- triggers with transition tables: one upsert per user per statement, also for an import or a bulk
-- INSERT … SELECT. Notes never change owner (no statement updates notes.user_id).
CREATE TABLE note_counts (
  user_id bigint  PRIMARY KEY,
  notes   integer NOT NULL CHECK (notes >= 0)
);

CREATE FUNCTION note_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO note_counts AS c (user_id, notes)
    SELECT user_id, count(*) FROM added GROUP BY user_id ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET notes = c.notes + excluded.notes;
  RETURN NULL;
END $$;

CREATE FUNCTION note_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE note_counts AS c SET notes = c.notes - r.notes
    FROM (SELECT user_id, count(*) AS notes FROM removed GROUP BY user_id) AS r
   WHERE c.user_id = r.user_id;
  RETURN NULL;
END $$;

-- Writers wait while the counts are taken and the triggers installed, so none is missed or counted twice.
LOCK TABLE notes IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO note_counts (user_id, notes) SELECT user_id, count(*) FROM notes GROUP BY user_id;

CREATE TRIGGER note_counts_add AFTER INSERT ON notes
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION note_counts_add();
CREATE TRIGGER note_counts_remove AFTER DELETE ON notes
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION note_counts_remove();

-- Down Migration
DROP TRIGGER note_counts_remove ON notes;
DROP TRIGGER note_counts_add ON notes;
DROP FUNCTION note_counts_remove();
DROP FUNCTION note_counts_add();
DROP TABLE note_counts;
