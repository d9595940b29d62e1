-- Up Migration
-- The registry follows OpenRouter's model list (a daily sync and /models_sync): a model that is gone or no
-- longer free is marked unavailable, never deleted, so ids never change; context_length is OpenRouter's.
ALTER TABLE models
  ADD COLUMN available      boolean NOT NULL DEFAULT true,
  ADD COLUMN context_length integer CHECK (context_length IS NULL OR context_length > 0),
  ADD COLUMN checked_at     timestamptz;

-- Down Migration
ALTER TABLE models DROP COLUMN checked_at, DROP COLUMN context_length, DROP COLUMN available;
