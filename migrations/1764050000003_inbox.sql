-- Up Migration
-- The gateway's durable intake. An update is recorded here before Telegram is told it arrived (the
-- next getUpdates offset, or the webhook's 2xx), handled from here, and keeps the outcome of its
-- effects, so handling it again repeats the reply and never the effect.
CREATE TABLE inbox (
  update_id     bigint      PRIMARY KEY,
  chat_id       bigint,
  payload       jsonb       NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  -- The gateway handling it and its lease, renewed while the handler runs: an unhandled row whose
  -- lease ran out lost its gateway, and another one takes it over.
  claimed_by    text        NOT NULL,
  claimed_until timestamptz NOT NULL,
  attempts      integer     NOT NULL DEFAULT 1,
  -- Set once the handler finished (its replies sent).
  handled_at    timestamptz,
  -- Outcomes of the update's effects by step, e.g. {"note": "42"} or {"placeholder": 1234}.
  result        jsonb       NOT NULL DEFAULT '{}'
);

-- What is still to be handled, oldest first: start-up recovery, the sweep, the oldest-unhandled gauge.
-- (Handled rows are deleted a day later, found oldest first through the primary key.)
CREATE INDEX inbox_unhandled_idx ON inbox (update_id) WHERE handled_at IS NULL;

-- Down Migration
DROP TABLE inbox;
