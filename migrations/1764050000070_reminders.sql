-- Up Migration
-- Reminders (/remind, the ⏰ button of a note): each is a delayed BullMQ job on the "reminders" queue
-- whose id names the row and its `version` (a snooze schedules the next version); this table is the
-- list and its state. A job fires only while its row is pending at that version (see
-- services/worker/src/reminders/fire.ts), so a stale, cancelled or repeated job sends nothing.
CREATE TABLE reminders (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint      NOT NULL,
  chat_id    bigint      NOT NULL,
  thread_id  integer,
  text       text        NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4000),
  -- The language of the user when they set it: the firing uses their /lang if they chose one since.
  locale     text        NOT NULL CHECK (locale IN ('ru', 'en')),
  due_at     timestamptz NOT NULL,
  version    integer     NOT NULL DEFAULT 1,
  -- pending: waits for its job; fired: sent, its buttons open; done, cancelled: closed by the user;
  -- undeliverable: Telegram refused the chat (the bot was blocked, 403), dropped without retries.
  state      text        NOT NULL DEFAULT 'pending'
             CHECK (state IN ('pending', 'fired', 'done', 'cancelled', 'undeliverable')),
  fired_at   timestamptz,
  message_id integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- /reminders and the per-user limit: a user's pending reminders by time.
CREATE INDEX reminders_user_pending_idx ON reminders (user_id, due_at) WHERE state = 'pending';

-- The user's time zone (/tz, an IANA name); none: UTC.
ALTER TABLE user_settings ADD COLUMN time_zone text;

-- Down Migration
ALTER TABLE user_settings DROP COLUMN time_zone;
DROP TABLE reminders;
