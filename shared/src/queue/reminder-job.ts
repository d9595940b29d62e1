import { z } from "zod";
import { REMINDER_CHOICES, type ReminderChoice } from "../domain/index.js";

/**
 * The reminders queue's contract between the gateway (which schedules and cancels) and the worker
 * (which fires): the queue, the job, its id and options, and the callback data of the reminder buttons.
 * PostgreSQL's `reminders` table is the list and its state; a job only says "fire this row at this
 * version now", and the row decides whether anything is sent.
 */

/** The BullMQ queue of reminders: delayed jobs, one per scheduling of a reminder. */
export const REMINDER_QUEUE = "reminders";

/** What a reminder job carries: the row and the version it was scheduled for. Validated by the worker. */
export const reminderJobSchema = z.object({
  /** The `reminders` row's id (a PostgreSQL bigint, as a string). */
  reminderId: z.string().regex(/^[1-9]\d{0,17}$/),
  /** The row's `version` when this job was added: a snooze adds the next version's job. */
  version: z.number().int().positive(),
});

export type ReminderJob = z.infer<typeof reminderJobSchema>;

/**
 * One job per (reminder, version): adding it again (a repeated update, a retry) finds the same job, so
 * two jobs never exist for one firing. (BullMQ refuses all-digit custom ids, hence the prefix.)
 */
export const reminderJobId = (reminderId: string, version: number) => `reminder-${reminderId}-${version}`;

/** A firing that met a Telegram or PostgreSQL failure is tried again: 5 s, 10 s, 20 s, … about 40 minutes in all. */
export const REMINDER_JOB_ATTEMPTS = 10;

/** BullMQ options of a reminder job due at `dueAt` (the delay is exact; the past means now). */
export function reminderJobOptions(jobId: string, dueAt: Date, now = Date.now()) {
  return {
    jobId,
    delay: Math.max(0, dueAt.getTime() - now),
    attempts: REMINDER_JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: 5_000 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * The callback data of the reminder buttons (`rem:<action>:<id>[:<choice>]`, well within 64 bytes):
 * `note` sets a reminder of a note (`id` a note id) at a ready-made time; `done` closes a fired
 * reminder; `snooze` schedules it again at a ready-made time; `cancel` cancels a pending one (the
 * /reminders list).
 */
export type ReminderAction =
  | { action: "note"; id: string; choice: ReminderChoice }
  | { action: "snooze"; id: string; choice: ReminderChoice }
  | { action: "done"; id: string }
  | { action: "cancel"; id: string };

const PREFIX = "rem";

export function reminderCallbackData(action: ReminderAction): string {
  const base = `${PREFIX}:${action.action}:${action.id}`;
  return "choice" in action ? `${base}:${action.choice}` : base;
}

/** The action a button's callback data names, or undefined for any other data. */
export function reminderActionOf(data: string): ReminderAction | undefined {
  const match = /^rem:(note|snooze|done|cancel):([1-9]\d{0,17})(?::(\w+))?$/.exec(data);
  if (!match) return undefined;
  const [, action, id, choice] = match as unknown as [string, ReminderAction["action"], string, string?];
  if (action === "done" || action === "cancel") return choice === undefined ? { action, id } : undefined;
  const known = REMINDER_CHOICES.find((c) => c === choice);
  return known === undefined ? undefined : { action, id, choice: known };
}
