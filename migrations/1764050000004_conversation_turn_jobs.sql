-- Up Migration
-- The ask job a turn came from: a job re-run after a crash or a retry remembers its turn once.
ALTER TABLE conversation_turns ADD COLUMN job_id text;
CREATE UNIQUE INDEX conversation_turns_job_idx ON conversation_turns (job_id, role) WHERE job_id IS NOT NULL;

-- Down Migration
DROP INDEX conversation_turns_job_idx;
ALTER TABLE conversation_turns DROP COLUMN job_id;
