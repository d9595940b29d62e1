/**
 * The reminders sweep (a maintenance job, every minute): a pending reminder more than
 * REMINDERS_SWEEP_GRACE_MINUTES late whose job is not waiting, delayed or running in the reminders
 * queue — Redis lost it, or it ran and found nothing before the row was committed — is fired here, by
 * the same firing as its job (the row's lock and state keep it once). A job still alive, retrying a
 * Telegram failure, is left to BullMQ.
 */
import type { Db } from "@notesbot/shared/db";
import type { Logger } from "@notesbot/shared/logging";
import {
  REMINDER_QUEUE,
  REMINDERS_SWEEP_GRACE_MINUTES,
  type ReminderJob,
  reminderJobId,
} from "@notesbot/shared/queue";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { telegramErrorFields } from "../chat-messages.js";

/** Reminders looked at per run: a backlog drains over a few minutes instead of holding the maintenance queue. */
const SWEEP_BATCH = 20;

const LIVE_STATES = new Set(["waiting", "delayed", "active", "prioritized", "waiting-children"]);

export function createReminderSweep(deps: {
  db: Db;
  connection: Redis;
  prefix: string;
  fire: (job: ReminderJob) => Promise<unknown>;
  logger: Logger;
}) {
  const queue = new Queue(REMINDER_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  queue.on("error", () => {});
  return {
    async sweep(): Promise<void> {
      const { rows } = await deps.db.query<{ id: string; version: number }>(
        `SELECT id, version FROM reminders
         WHERE state = 'pending' AND due_at < now() - make_interval(mins => $1)
         ORDER BY due_at LIMIT $2`,
        [REMINDERS_SWEEP_GRACE_MINUTES, SWEEP_BATCH],
      );
      for (const { id, version } of rows) {
        const state = await queue.getJobState(reminderJobId(id, version));
        if (LIVE_STATES.has(state)) continue;
        deps.logger.warn(
          { reminderId: id, version, jobState: state },
          "overdue reminder without its job: fired by the sweep",
        );
        await deps.fire({ reminderId: id, version }).catch((error: unknown) => {
          deps.logger.warn(
            { reminderId: id, ...telegramErrorFields(error) },
            "the sweep could not fire a reminder",
          );
        });
      }
    },
    close: () => queue.close(),
  };
}
