-- Up Migration
-- Each user's own model (/mymodel; none: the registry's active model, the bot's default), and whether
-- they were told that it became unavailable (told once; cleared when it is chosen again or is back).
ALTER TABLE user_settings
  ADD COLUMN model_id               integer REFERENCES models (id),
  ADD COLUMN model_unavailable_told boolean NOT NULL DEFAULT false;

-- Each chat's persona (/persona): a preset by its id, or the chat's own text; no row: the default.
CREATE TABLE chat_settings (
  chat_id        bigint PRIMARY KEY,
  persona_preset text CHECK (persona_preset <> ''),
  persona_text   text CHECK (persona_text <> ''),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((persona_preset IS NULL) <> (persona_text IS NULL))
);

-- Down Migration
DROP TABLE chat_settings;
ALTER TABLE user_settings DROP COLUMN model_unavailable_told, DROP COLUMN model_id;
