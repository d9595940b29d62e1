import { REMINDER_QUEUE, type ReminderJob, reminderJobSchema } from "@notesbot/shared/queue";
import { UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";

/**
 * The one BullMQ worker of the reminders queue: validates each job (a malformed one fails at once,
 * never retried) and fires it. Jobs are delayed until their time; BullMQ moves a due one to the worker
 * of any replica, once. Stopping waits for the firings in flight (each is one short transaction).
 */
export function createReminderWorker(
  fire: (job: ReminderJob) => Promise<unknown>,
  options: { connection: Redis; prefix: string; concurrency: number },
) {
  const worker = new Worker(
    REMINDER_QUEUE,
    async (job) => {
      const parsed = reminderJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError("malformed reminder job");
      await fire(parsed.data);
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency },
  );
  return { worker, stop: () => worker.close() };
}
