/**
 * What the reminder tests share: the stack's reminders queue (to wait for a reminder's job), `/remind`
 * for a time a few seconds ahead written as a user may write it, and what the chat and the table show.
 */
import { Queue, QueueEvents } from "bullmq";
import type { User } from "grammy/types";
import { Redis } from "ioredis";
import { expect, inject } from "vitest";
import { REMINDER_QUEUE, reminderJobId } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import type { Stack } from "./stack.js";

const texts = createLocalizer().of("ru");

/** The stack's reminders queue, and its events (to wait for a job to finish). */
export async function queueOf(stack: Stack) {
  const connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const prefix = String(stack.env.QUEUE_PREFIX);
  const options = { connection, prefix };
  const queue = new Queue(REMINDER_QUEUE, options);
  const blocking = connection.duplicate();
  const events = new QueueEvents(REMINDER_QUEUE, { connection: blocking, prefix });
  await events.waitUntilReady();
  return {
    queue,
    /** Resolves once the reminder's job at `version` has finished (completed, or failed for good). */
    async finished(id: string, version = 1) {
      const job = await queue.getJob(reminderJobId(id, version));
      if (!job) throw new Error(`no job for reminder ${id} v${version}`);
      await job.waitUntilFinished(events, 20_000);
      return job;
    },
    async close() {
      await events.close();
      await queue.close();
      blocking.disconnect();
      connection.disconnect();
    },
  };
}

/**
 * `/remind <HH:MM:SS> <text>` for `seconds` ahead on the user's (UTC) clock; resolves with the
 * reminder's id once the gateway said it is set.
 */
export async function remindIn(stack: Stack, user: User, seconds: number, text: string): Promise<string> {
  const at = new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000);
  const [reply] = await stack.say(user, `/remind ${at.toISOString().slice(11, 19)} ${text}`);
  const { rows } = await stack.db.query<{ id: string }>(
    "SELECT id FROM reminders WHERE user_id = $1 AND text = $2",
    [user.id, text],
  );
  const id = String(rows[0]?.id);
  const shown = `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 19).replace(/:00$/, "")}`;
  expect(reply).toBe(texts.remind.scheduled(id, shown, "UTC"));
  return id;
}

/** The bot's messages to `user` that are this reminder firing. */
export const firings = (stack: Stack, user: User, id: string) =>
  stack.telegram.sentTo(user.id).filter((c) => String(c.payload.text).startsWith(`⏰ Напоминание #${id}:`));

export const stateOf = async (stack: Stack, id: string) =>
  (
    await stack.db.query<{ state: string; version: number; message_id: number | null }>(
      "SELECT state, version, message_id FROM reminders WHERE id = $1",
      [id],
    )
  ).rows[0];
