-- Up Migration
-- pg_trgm + btree_gin: one GIN index answers "this user's notes containing X" without scanning them all.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE notes (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint      NOT NULL,
  chat_id    bigint      NOT NULL,
  text       text        NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A user's newest notes, their count and per-day stats: an index range scan over one user.
CREATE INDEX notes_user_created_idx ON notes (user_id, created_at DESC, id DESC);
-- Case-insensitive substring search within one user's notes.
CREATE INDEX notes_user_text_trgm_idx ON notes USING gin (user_id, text gin_trgm_ops);

-- Down Migration
DROP TABLE notes;
