import { MAINTENANCE_QUEUE, REGISTRY_SYNC_JOB, REGISTRY_SYNC_SCHEDULE } from "@notesbot/shared/queue";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";

/**
 * The maintenance queue's worker: registers the daily registry sync (a BullMQ job scheduler; every
 * worker upserts the same one, so there is one schedule however many replicas run) and runs its jobs
 * one at a time. A job of an unknown name fails.
 */
export async function startMaintenance(options: MaintenanceOptions) {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: options.connection, prefix: options.prefix });
  queue.on("error", () => {}); // surfaced by the calls below and by the worker
  await queue.upsertJobScheduler(REGISTRY_SYNC_SCHEDULE.id, REGISTRY_SYNC_SCHEDULE.repeat, {
    name: REGISTRY_SYNC_SCHEDULE.template.name,
    opts: { ...REGISTRY_SYNC_SCHEDULE.template.opts },
  });
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name !== REGISTRY_SYNC_JOB) throw new Error(`unknown maintenance job: ${job.name}`);
      await options.syncRegistry();
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
}
