import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { REMINDER_QUEUE, type ReminderJob, reminderJobId, reminderJobOptions } from "./reminder-job.js";

/** How long the gateway waits for Redis before telling the user reminders are unavailable. */
const REDIS_DEADLINE_MS = 3_000;

/**
 * The gateway's side of the reminders queue: adds a reminder's delayed job and removes it. Both fail
 * (rejecting) within a few seconds when Redis does not answer, so the caller can refuse or roll back.
 */
export function createReminderScheduler(options: { connection: Redis; prefix: string }) {
  const queue = new Queue<ReminderJob>(REMINDER_QUEUE, {
    connection: options.connection,
    prefix: options.prefix,
  });
  // Connection errors surface through the calls below; without a listener they would crash the process.
  queue.on("error", () => {});

  const withDeadline = async <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("Redis did not answer in time")), REDIS_DEADLINE_MS);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    /** Adds the job that fires `reminderId` at `version` when `dueAt` comes (again: the same job). */
    async schedule(reminderId: string, version: number, dueAt: Date): Promise<void> {
      const jobId = reminderJobId(reminderId, version);
      await withDeadline(queue.add("remind", { reminderId, version }, reminderJobOptions(jobId, dueAt)));
    },
    /** Removes the delayed job of `reminderId` at `version` (gone already: nothing to do). */
    async unschedule(reminderId: string, version: number): Promise<void> {
      await withDeadline(queue.remove(reminderJobId(reminderId, version)));
    },
    close: () => queue.close(),
  };
}

export type ReminderScheduler = ReturnType<typeof createReminderScheduler>;
