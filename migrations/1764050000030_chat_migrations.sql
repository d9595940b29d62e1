-- Up Migration
-- Groups upgraded to supergroups (Telegram's migrate_to_chat_id): a chat's memory follows it to the new
-- id, and a turn written or read under the old id (an ask pending during the upgrade) finds the new one.
CREATE TABLE chat_migrations (
  from_chat_id bigint PRIMARY KEY,
  to_chat_id   bigint NOT NULL,
  migrated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE chat_migrations;
