-- Up Migration
-- When each chat's memory was last reset (/reset): a turn whose question was asked before it is not
-- remembered, even when its answer arrives after. Its row lock orders a reset and a write of turns.
CREATE TABLE conversation_resets (
  chat_id  bigint PRIMARY KEY,
  reset_at timestamptz
);

-- Down Migration
DROP TABLE conversation_resets;
