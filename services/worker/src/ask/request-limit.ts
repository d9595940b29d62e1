import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * OPENROUTER_RPM across all workers, counted per OpenRouter request (first attempts, retries and
 * fallbacks alike) in a sliding minute kept in Redis. BullMQ's own limiter counts jobs taken from the
 * queue instead, so a job put back (its user at the in-flight limit) would use up a request it never
 * made, and a job's fallback requests would not count at all.
 */

const WINDOW_MS = 60_000;

// Admits a request when fewer than the limit were made in the last window; otherwise returns how long
// until the oldest of them leaves the window. One round trip, atomic across workers.
const TAKE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** `perMinute` 0: no limit (and no Redis call). */
export function createRequestLimit(redis: Redis, key: string, perMinute: number) {
  return {
    /** Takes a request slot: 0 when the request may go now, else how many ms until one frees. */
    async take(): Promise<number> {
      if (perMinute === 0) return 0;
      const wait = await redis.eval(TAKE, 1, key, Date.now(), WINDOW_MS, perMinute, randomUUID());
      return Number(wait);
    },
  };
}

export type RequestLimit = ReturnType<typeof createRequestLimit>;
