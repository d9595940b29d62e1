/**
 * Per-user bookkeeping of asks in Redis, shared by the gateway and the workers: which of a user's
 * asks are pending (for /cancel and for priorities), which are running (for the in-flight limit),
 * and which were cancelled. Entries carry an expiry as their score, so a crashed process cannot
 * leave a user blocked for good. Each call is one round trip (an ask's finish also records what its
 * chat is to show, see `finish`).
 */
import type { Redis } from "ioredis";
import { askKeys } from "./ask-job.js";

/** How long a pending ask or a cancel flag is kept at most (a crashed process cannot block a user for good). */
const PENDING_TTL_MS = 3_600_000;

/** The shortest a running ask counts for its user (a re-run past its bound still runs and delivers). */
const MIN_LEASE_MS = 60_000;

// Each script is one round trip (EVALSHA), atomic, instead of a MULTI block of several commands.
const SCRIPTS = {
  /**
   * KEYS: the user's admissions of the last window, pending. ARGV: limit (0: none), window, now, ttl,
   * jobId. Counts the ask among the user's asks of the last `window` ms (a sliding window: never more
   * than the limit in any minute, whatever the clock says) and records it pending, unless that puts the
   * user over the limit: returns -1 then, else how many of the user's asks were pending before it.
   */
  askAdmit: {
    numberOfKeys: 2,
    lua: `
if tonumber(ARGV[1]) > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[2]))
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local before = redis.call('ZCARD', KEYS[2])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[4]), ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return before`,
  },
  /**
   * KEYS: cancelled flag, running. ARGV: now, lease, jobId, limit. Returns running, busy or cancelled.
   * The set lives as long as its longest lease: one job's short lease never expires the others'.
   */
  askStartRunning: {
    numberOfKeys: 2,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 'cancelled'
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[3])
local count = redis.call('ZCARD', KEYS[2])
if count > tonumber(ARGV[4]) then
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 'busy'
end
-- The set alone is ours: it lives as long as our lease. Else only a later end than its own is taken
-- (GT); a set without an expiry (none is ever left so) gets ours.
local ends = tonumber(ARGV[1]) + tonumber(ARGV[2])
if count == 1 or (redis.call('PEXPIREAT', KEYS[2], ends, 'GT') == 0 and redis.call('PTTL', KEYS[2]) == -1) then
  redis.call('PEXPIREAT', KEYS[2], ends)
end
return 'running'`,
  },
  /**
   * KEYS: running, pending, cancelled flag, and the job's hash (BullMQ's) or nothing. ARGV: jobId, and
   * the progress to record (JSON) or nothing. Returns 1 when the ask was cancelled (nothing recorded),
   * -1 when the job to record on is gone, else 0 (the progress recorded, as BullMQ's updateProgress
   * does without its event, which nothing here listens to).
   */
  askFinish: {
    numberOfKeys: 4,
    lua: `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('EXISTS', KEYS[3]) == 1 then return 1 end
if ARGV[2] == '' then return 0 end
if redis.call('EXISTS', KEYS[4]) == 0 then return -1 end
redis.call('HSET', KEYS[4], 'progress', ARGV[2])
return 0`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Scripted = { [name in ScriptName]: (...args: (string | number)[]) => Promise<unknown> };

/** The connection with the scripts above defined on it (ioredis sends EVALSHA, loading a script once). */
function scripted(redis: Redis): Scripted {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, definition);
  }
  return redis as unknown as Scripted;
}

/** The bookkeeping of the ask queue under `prefix`, on one Redis connection. */
export function userAsks(redis: Redis, prefix: string) {
  const keys = askKeys(prefix);
  const scripts = scripted(redis);

  return {
    cancelChannel: keys.cancelChannel,

    /**
     * Admits a new ask of the user's: counts it against `perMinute` asks in the last 60 s (0: no
     * limit) and records it pending. Resolves with how many of the user's asks were pending before it,
     * or undefined when the user is over the limit (nothing is recorded then).
     */
    async admit(userId: number, jobId: string, perMinute: number): Promise<number | undefined> {
      const before = Number(
        await scripts.askAdmit(
          keys.userLimit(userId),
          keys.pending(userId),
          perMinute,
          60_000,
          Date.now(),
          PENDING_TTL_MS,
          jobId,
        ),
      );
      return before < 0 ? undefined : before;
    },

    async pending(userId: number): Promise<string[]> {
      return redis.zrangebyscore(keys.pending(userId), Date.now(), "+inf");
    },

    /**
     * Counts a job as running for its user for `leaseMs` (at least MIN_LEASE_MS: a run past its bound
     * still counts while it delivers) unless the ask was cancelled or that would exceed `limit`:
     * "running" when it may run.
     */
    async startRunning(
      userId: number,
      jobId: string,
      limit: number,
      leaseMs: number,
    ): Promise<"running" | "busy" | "cancelled"> {
      const slot = await scripts.askStartRunning(
        keys.cancelled(jobId),
        keys.running(userId),
        Date.now(),
        Math.max(MIN_LEASE_MS, leaseMs),
        jobId,
        limit,
      );
      return slot === "running" || slot === "cancelled" ? slot : "busy";
    },

    /** The job stopped running for now (it comes back for a retry). */
    async stopRunning(userId: number, jobId: string): Promise<void> {
      await redis.zrem(keys.running(userId), jobId);
    },

    /**
     * The job is done (answered, failed for good or cancelled): it no longer counts for its user.
     * Resolves with whether the user had cancelled it meanwhile. With `record`, and unless it was
     * cancelled, also records the progress on the job (its hash, `record.jobKey`) in the same round
     * trip: what the chat is to show is fixed before it is sent, as with BullMQ's updateProgress.
     */
    async finish(userId: number, jobId: string, record?: ProgressRecord): Promise<{ cancelled: boolean }> {
      const flag = Number(
        await scripts.askFinish(
          keys.running(userId),
          keys.pending(userId),
          keys.cancelled(jobId),
          // Not touched without a record.
          record?.jobKey ?? keys.cancelled(jobId),
          jobId,
          record === undefined ? "" : JSON.stringify(record.progress),
        ),
      );
      if (flag < 0) throw new Error(`job ${jobId} is gone: its progress could not be recorded`);
      return { cancelled: flag === 1 };
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

/** Progress to record on a job as it finishes: its BullMQ hash (`${queue.qualifiedName}:${id}`) and the value. */
export interface ProgressRecord {
  jobKey: string;
  progress: unknown;
}

export type UserAsks = ReturnType<typeof userAsks>;
