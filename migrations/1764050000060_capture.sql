-- Up Migration
-- Capture (docs/capture.md): a note keeps where a forward came from and the photos it had (Telegram
-- file_ids), and may then have no text of its own (a photo without a caption).
ALTER TABLE notes ADD COLUMN origin jsonb;
ALTER TABLE notes ADD COLUMN photos text[] NOT NULL DEFAULT '{}';
ALTER TABLE notes DROP CONSTRAINT notes_text_check;
ALTER TABLE notes ADD CONSTRAINT notes_text_check
  CHECK (char_length(text) <= 4000 AND (char_length(text) >= 1 OR cardinality(photos) > 0));
-- /note_import adds a note only when the user has none with the same text: found through this index.
CREATE INDEX notes_user_text_md5_idx ON notes (user_id, md5(text));

-- A forwarded album arrives as one message per part, in any order and possibly across a restart: its
-- parts are gathered here (one row each, once however often an update is handled) and made into one
-- note after a quiet period; a part arriving after that rebuilds the same note.
CREATE TABLE albums (
  chat_id          bigint      NOT NULL,
  media_group_id   text        NOT NULL,
  user_id          bigint      NOT NULL,
  -- The sender's language, for the reply the flusher sends.
  locale           text        NOT NULL,
  -- The note made of it (kept after an undo deleted the note: a late part then makes no new one).
  note_id          bigint,
  -- Parts stored, and how many the note was last built from: fewer means it must be (re)built.
  parts            int         NOT NULL DEFAULT 0,
  parts_in_note    int         NOT NULL DEFAULT 0,
  -- The bot's reply saying what was saved (edited when a late part rebuilds the note), and whether
  -- the last build was told (a crash between the build and the reply: the reply is sent again).
  reply_message_id bigint,
  replied          boolean     NOT NULL DEFAULT true,
  last_part_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chat_id, media_group_id)
);
CREATE TABLE album_parts (
  chat_id        bigint NOT NULL,
  media_group_id text   NOT NULL,
  message_id     bigint NOT NULL,
  caption        text   NOT NULL,
  photo          text,
  origin         jsonb,
  PRIMARY KEY (chat_id, media_group_id, message_id),
  FOREIGN KEY (chat_id, media_group_id) REFERENCES albums ON DELETE CASCADE
);
-- The flusher's question, every second: which albums have parts not in their note, or an untold build?
CREATE INDEX albums_pending_idx ON albums (last_part_at) WHERE parts <> parts_in_note OR NOT replied;
-- The purge of albums settled a day ago.
CREATE INDEX albums_last_part_idx ON albums (last_part_at);

-- Down Migration
DROP TABLE album_parts;
DROP TABLE albums;
DROP INDEX notes_user_text_md5_idx;
ALTER TABLE notes DROP CONSTRAINT notes_text_check;
ALTER TABLE notes ADD CONSTRAINT notes_text_check CHECK (char_length(text) BETWEEN 1 AND 4000);
ALTER TABLE notes DROP COLUMN photos;
ALTER TABLE notes DROP COLUMN origin;
