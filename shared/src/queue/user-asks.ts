import type { Redis } from "ioredis";
import { askKeys } from "./ask-job.js";

/** How long a pending ask or a cancel flag is kept at most (a crashed process cannot block a user for good). */
const PENDING_TTL_MS = 3_600_000;

/**
 * Per-user bookkeeping of asks in Redis, shared by the gateway and the workers: which of a user's
 * asks are pending (for /cancel and for priorities), which are running (for the in-flight limit),
 * and which were cancelled. Entries carry an expiry as their score, so a crashed process cannot
 * leave a user blocked for good. Each call is one round trip.
 */
export function userAsks(redis: Redis, prefix: string) {
  const keys = askKeys(prefix);

  return {
    cancelChannel: keys.cancelChannel,

    /** Records a new pending ask; resolves with how many of the user's asks were pending before it. */
    async addPending(userId: number, jobId: string): Promise<number> {
      const key = keys.pending(userId);
      const now = Date.now();
      const results = await redis
        .multi()
        .zremrangebyscore(key, "-inf", now)
        .zcard(key)
        .zadd(key, now + PENDING_TTL_MS, jobId)
        .pexpire(key, PENDING_TTL_MS)
        .exec();
      return Number(results?.[1]?.[1] ?? 0);
    },

    async pending(userId: number): Promise<string[]> {
      return redis.zrangebyscore(keys.pending(userId), Date.now(), "+inf");
    },

    /**
     * Counts a job as running for its user for `leaseMs` unless the ask was cancelled or that would
     * exceed `limit`: "running" when it may run.
     */
    async startRunning(
      userId: number,
      jobId: string,
      limit: number,
      leaseMs: number,
    ): Promise<"running" | "busy" | "cancelled"> {
      const key = keys.running(userId);
      const now = Date.now();
      const results = await redis
        .multi()
        .exists(keys.cancelled(jobId))
        .zremrangebyscore(key, "-inf", now)
        .zadd(key, now + leaseMs, jobId)
        .pexpire(key, leaseMs)
        .zcard(key)
        .exec();
      const cancelled = Number(results?.[0]?.[1] ?? 0) === 1;
      if (!cancelled && Number(results?.[4]?.[1] ?? 0) <= limit) return "running";
      await redis.zrem(key, jobId);
      return cancelled ? "cancelled" : "busy";
    },

    /** The job stopped running for now (it comes back for a retry). */
    async stopRunning(userId: number, jobId: string): Promise<void> {
      await redis.zrem(keys.running(userId), jobId);
    },

    /**
     * The job is done (answered, failed for good or cancelled): it no longer counts for its user.
     * Resolves with whether the user had cancelled it meanwhile.
     */
    async finish(userId: number, jobId: string): Promise<{ cancelled: boolean }> {
      const results = await redis
        .multi()
        .zrem(keys.running(userId), jobId)
        .zrem(keys.pending(userId), jobId)
        .exists(keys.cancelled(jobId))
        .exec();
      return { cancelled: Number(results?.[2]?.[1] ?? 0) === 1 };
    },

    async markCancelled(jobId: string): Promise<void> {
      await redis
        .multi()
        .set(keys.cancelled(jobId), "1", "PX", PENDING_TTL_MS)
        .publish(keys.cancelChannel, jobId)
        .exec();
    },
  };
}

export type UserAsks = ReturnType<typeof userAsks>;
