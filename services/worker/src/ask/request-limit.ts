import type { Redis } from "ioredis";

/**
 * OPENROUTER_RPM across all workers, counted per OpenRouter request (first attempts, retries and
 * fallbacks alike): each request reserves its time slot in a sliding minute kept in Redis, in the order
 * asks come for one, so a waiting ask sleeps until its own slot instead of waking with all the others
 * whenever one frees. BullMQ's own limiter counts jobs taken from the queue instead, so a job put back
 * (its user at the in-flight limit) would use up a request it never made, and a job's fallback requests
 * would not count at all.
 */

const WINDOW_MS = 60_000;

// The reservations, scored by their time, make at most `limit` in any window: a new one goes at once
// while fewer than `limit` are in the window, else one window after the `limit`-th newest (never before
// the newest, so slots are given in order). A member that holds a slot already keeps it. One round trip,
// atomic across workers. Returns {wait ms, place among the reservations not yet due, held before: 1/0},
// or {-1, 0, 0} when the slot would come at `latest` or after (nothing is reserved then).
const RESERVE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local held = redis.call('ZSCORE', KEYS[1], ARGV[4])
if held then
  local at = tonumber(held)
  return {math.max(0, at - now), redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], held), 1}
end
local count = redis.call('ZCARD', KEYS[1])
local at = now
if count >= limit then
  local nth = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  at = math.max(now, tonumber(nth[2]) + window)
  -- Slots to come are a millisecond apart at least, so that each one's place is its own.
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if at > now and tonumber(last[2]) >= at then at = tonumber(last[2]) + 1 end
end
if at >= tonumber(ARGV[5]) then return {-1, 0, 0} end
redis.call('ZADD', KEYS[1], at, ARGV[4])
redis.call('PEXPIREAT', KEYS[1], at + window)
return {at - now, redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], at), 0}
`;

/** A request's slot: go now, wait for it (`place` among the slots not yet due), or none before `latestAt`. */
export type RequestSlot =
  | { kind: "now"; held: boolean }
  | { kind: "wait"; waitMs: number; place: number; held: boolean }
  | { kind: "none" };

/** `perMinute` 0: no limit (and no Redis call). */
export function createRequestLimit(redis: Redis, key: string, perMinute: number) {
  return {
    /**
     * Reserves the next free request slot for `request` (unique per request: a job, its attempt, its
     * model), or finds the one it holds already (`held`: a job run again at its slot). None when it
     * would come at `latestAt` or later.
     */
    async reserve(request: string, latestAt: number): Promise<RequestSlot> {
      if (perMinute === 0) return { kind: "now", held: false };
      const now = Date.now();
      const [waitMs, place, held] = (await redis.eval(
        RESERVE,
        1,
        key,
        now,
        WINDOW_MS,
        perMinute,
        request,
        latestAt,
      )) as [number, number, number];
      if (waitMs < 0) return { kind: "none" };
      if (waitMs === 0) return { kind: "now", held: held === 1 };
      return { kind: "wait", waitMs, place, held: held === 1 };
    },
  };
}

export type RequestLimit = ReturnType<typeof createRequestLimit>;
