-- Up Migration
-- Recent turns of each chat's conversation with the model; read newest first within a budget.
CREATE TABLE conversation_turns (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chat_id    bigint      NOT NULL,
  role       text        NOT NULL CHECK (role IN ('user', 'assistant')),
  content    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_turns_chat_idx ON conversation_turns (chat_id, id DESC);

-- Models a failing active model falls back to, in id order.
ALTER TABLE models ADD COLUMN fallback boolean NOT NULL DEFAULT false;
UPDATE models SET fallback = true
 WHERE key IN ('meta-llama/llama-3.3-70b-instruct:free', 'qwen/qwen3-235b-a22b:free', 'google/gemma-3-27b-it:free');

-- Down Migration
ALTER TABLE models DROP COLUMN fallback;
DROP TABLE conversation_turns;
