-- Up Migration
-- Full-text search over a user's notes for /ask_notes. PostgreSQL's 'russian' configuration stems
-- Cyrillic words with the Russian stemmer and Latin ones with the English stemmer (and drops both
-- languages' stop words), so one column serves notes in either language or both.
-- The owner is a lexeme of the vector too ("~user<id>"): a query ANDs it with the question's words, and
-- the GIN index intersects the two posting lists itself. (A GIN index on (user_id, search) would do the
-- same, but then the planner may read a heavy user's every note through the (user_id, created_at) index
-- when a word that is frequent in the table is rare for that user.)
ALTER TABLE notes ADD COLUMN search tsvector GENERATED ALWAYS AS (
  to_tsvector('russian', text) || array_to_tsvector(ARRAY['~user' || user_id::text])
) STORED;
CREATE INDEX notes_search_idx ON notes USING gin (search);

-- Down Migration
DROP INDEX notes_search_idx;
ALTER TABLE notes DROP COLUMN search;
