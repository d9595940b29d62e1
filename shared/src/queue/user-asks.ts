import type { Redis } from "ioredis";

/**
 * Per-user bookkeeping of asks in Redis, shared by the gateway and the workers: which of a user's
 * asks are pending (for /cancel and for priorities), which are running (for the in-flight limit),
 * and which were cancelled. Entries carry an expiry as their score, so a crashed process cannot
 * leave a user blocked for good.
 */
export function userAsks(redis: Redis, prefix: string) {
  const pendingKey = (userId: number) => `${prefix}:ask-user:${userId}:pending`;
  const runningKey = (userId: number) => `${prefix}:ask-user:${userId}:running`;
  const cancelledKey = (jobId: string) => `${prefix}:ask-cancelled:${jobId}`;
  const PENDING_TTL_MS = 3_600_000;

  return {
    cancelChannel: `${prefix}:ask-cancel`,

    /** Records a new pending ask; resolves with how many of the user's asks were pending before it. */
    async addPending(userId: number, jobId: string): Promise<number> {
      const key = pendingKey(userId);
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
      return redis.zrangebyscore(pendingKey(userId), Date.now(), "+inf");
    },

    /** Counts a job as running for its user unless that would exceed `limit`; true when it may run. */
    async startRunning(userId: number, jobId: string, limit: number, leaseMs: number): Promise<boolean> {
      const key = runningKey(userId);
      const now = Date.now();
      const results = await redis
        .multi()
        .zremrangebyscore(key, "-inf", now)
        .zadd(key, now + leaseMs, jobId)
        .pexpire(key, leaseMs)
        .zcard(key)
        .exec();
      if (Number(results?.[3]?.[1] ?? 0) <= limit) return true;
      await redis.zrem(key, jobId);
      return false;
    },

    /** The job stopped running for now (it may come back for a retry). */
    async stopRunning(userId: number, jobId: string): Promise<void> {
      await redis.zrem(runningKey(userId), jobId);
    },

    /** The job is done (answered, failed for good or cancelled): it no longer counts for its user. */
    async finish(userId: number, jobId: string): Promise<void> {
      await redis.multi().zrem(runningKey(userId), jobId).zrem(pendingKey(userId), jobId).exec();
    },

    async markCancelled(jobId: string): Promise<void> {
      await redis
        .multi()
        .set(cancelledKey(jobId), "1", "PX", PENDING_TTL_MS)
        .publish(`${prefix}:ask-cancel`, jobId)
        .exec();
    },

    async isCancelled(jobId: string): Promise<boolean> {
      return (await redis.exists(cancelledKey(jobId))) === 1;
    },
  };
}

export type UserAsks = ReturnType<typeof userAsks>;
