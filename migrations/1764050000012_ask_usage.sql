-- Up Migration
-- What each answered ask cost, from the `usage` object OpenRouter returns: /usage sums it per user and,
-- for admins, for the whole bot. Kept out of the logs; a row holds ids and numbers only.
CREATE TABLE ask_usage (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id           bigint      NOT NULL,
  job_id            text        NOT NULL UNIQUE,
  model_key         text        NOT NULL,
  prompt_tokens     integer     NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens integer     NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  cost              numeric     NOT NULL DEFAULT 0 CHECK (cost >= 0),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ask_usage_user_idx ON ask_usage (user_id, created_at);
CREATE INDEX ask_usage_created_idx ON ask_usage (created_at);

-- Down Migration
DROP TABLE ask_usage;
