import {
  MAINTENANCE_QUEUE,
  REGISTRY_SYNC_JOB,
  REGISTRY_SYNC_SCHEDULE,
  REMINDERS_SWEEP_JOB,
  REMINDERS_SWEEP_SCHEDULE,
} from "@notesbot/shared/queue";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";

/**
 * The maintenance queue's worker: registers the daily registry sync and the reminders sweep (BullMQ
 * job schedulers; every worker upserts the same ones, so there is one schedule however many replicas
 * run) and runs their jobs one at a time. A job of an unknown name fails.
 */
export async function startMaintenance(options: MaintenanceOptions) {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: options.connection, prefix: options.prefix });
  queue.on("error", () => {}); // surfaced by the calls below and by the worker
  for (const schedule of [REGISTRY_SYNC_SCHEDULE, REMINDERS_SWEEP_SCHEDULE]) {
    await queue.upsertJobScheduler(schedule.id, schedule.repeat, {
      name: schedule.template.name,
      opts: { ...schedule.template.opts },
    });
  }
  const jobs: Record<string, () => Promise<void>> = {
    [REGISTRY_SYNC_JOB]: options.syncRegistry,
    [REMINDERS_SWEEP_JOB]: options.sweepReminders,
  };
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      const run = jobs[job.name];
      if (run === undefined) throw new Error(`unknown maintenance job: ${job.name}`);
      await run();
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 1 },
  );
  await worker.waitUntilReady();
  return {
    worker,
    async stop(): Promise<void> {
      await worker.close();
      await queue.close();
    },
  };
}

export interface MaintenanceOptions {
  connection: Redis;
  prefix: string;
  syncRegistry: () => Promise<void>;
  /** Fires the pending reminders whose own job is gone (services/worker/src/reminders/sweep.ts). */
  sweepReminders: () => Promise<void>;
}
