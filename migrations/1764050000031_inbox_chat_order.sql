-- Up Migration
-- Gateways behind one webhook handle a chat's updates in Telegram's order: before handling one, a
-- gateway looks for an earlier update of the same chat still being handled by another.
CREATE INDEX inbox_unhandled_chat_idx ON inbox (chat_id, update_id) WHERE handled_at IS NULL;

-- Down Migration
DROP INDEX inbox_unhandled_chat_idx;
