-- Up Migration
-- Full-text search over a user's notes for /ask_notes. PostgreSQL's 'russian' configuration stems
-- Cyrillic words with the Russian stemmer and Latin ones with the English stemmer (and drops both
-- languages' stop words), so one column serves notes in either language or both.
ALTER TABLE notes ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('russian', text)) STORED;
-- One user's notes matching a query: btree_gin puts user_id in the same GIN index.
CREATE INDEX notes_user_search_idx ON notes USING gin (user_id, search);

-- Down Migration
DROP INDEX notes_user_search_idx;
ALTER TABLE notes DROP COLUMN search;
