-- Up Migration
-- Per-user settings: the language chosen with /lang (none: from Telegram's language_code), and when the
-- user was told that /ask_notes sends the chosen notes to the model's provider (told once).
CREATE TABLE user_settings (
  user_id               bigint PRIMARY KEY,
  locale                text CHECK (locale IN ('ru', 'en')),
  notes_privacy_told_at timestamptz,
  updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE user_settings;
