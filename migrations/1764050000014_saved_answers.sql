-- Up Migration
-- A note saved from an answer's "📝" button remembers the ask it came from, so pressing the button
-- again (or on another device) finds the same note instead of storing it twice.
ALTER TABLE notes ADD COLUMN saved_from text;
CREATE UNIQUE INDEX notes_saved_from_idx ON notes (user_id, saved_from) WHERE saved_from IS NOT NULL;

-- Down Migration
DROP INDEX notes_saved_from_idx;
ALTER TABLE notes DROP COLUMN saved_from;
