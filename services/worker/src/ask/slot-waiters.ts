import type { Logger } from "@notesbot/shared/logging";
import type { Job } from "bullmq";

/**
 * The asks this worker put back because their user already had the most asks running, woken as soon
 * as one of that user's asks ends here instead of at their next look (IN_FLIGHT_WAIT_MS later). An ask
 * put back by another worker, or one whose wake-up comes too early, still runs at its own delay.
 */
export function createSlotWaiters(logger: Logger) {
  /** Per user, the waiting asks by job id, oldest first. */
  const waiting = new Map<number, Map<string, Job>>();
  return {
    /** `job` (already delayed) waits for a running slot of `userId`; it keeps its place when it waits again. */
    wait(userId: number, job: Job): void {
      const jobs = waiting.get(userId) ?? new Map<string, Job>();
      waiting.set(userId, jobs);
      if (!jobs.has(job.id as string)) jobs.set(job.id as string, job);
    },
    /** `jobId` of `userId` ran (and ended, or was put back for another reason): the oldest waiting ask goes now. */
    ran(userId: number, jobId: string): void {
      const jobs = waiting.get(userId);
      if (!jobs) return;
      jobs.delete(jobId);
      const [oldest] = jobs.values();
      if (oldest) jobs.delete(oldest.id as string);
      if (jobs.size === 0) waiting.delete(userId);
      // Not delayed any more (it ran at its own delay, or was removed): nothing to do.
      oldest
        ?.promote()
        .catch((error: unknown) =>
          logger.debug({ jobId: oldest.id, err: error }, "waiting ask not promoted"),
        );
    },
  };
}
