-- Up Migration
-- When each chat's conversation was last forgotten (/reset). The answer is shown before its turn is
-- written, so a turn of a question asked before the reset may arrive after it: it is not written.
CREATE TABLE conversation_resets (
  chat_id  bigint      PRIMARY KEY,
  reset_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE conversation_resets;
