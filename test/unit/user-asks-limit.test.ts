/**
 * The per-user ask limit (ASK_USER_LIMIT_PER_MINUTE) in Redis, through `userAsks().admit` against the
 * real server: never more than the limit in any 60 seconds, a minute boundary of the clock included,
 * and an update admitted twice (handled again) counted once.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, inject, it, vi } from "vitest";
import { userAsks } from "../../shared/src/queue/index.js";
import { createQueuePrefix } from "../support/database.js";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(() => redis.disconnect());
afterEach(() => {
  vi.useRealTimers();
});

it("admits at most the limit in any 60 s, across a minute boundary of the clock, and counts a re-admitted update once", async () => {
  const asks = userAsks(redis, createQueuePrefix());
  const user = 42;
  // The last moments of a clock minute: a limit counted per clock minute would start again at :00.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-07T10:00:59.700Z"));
  expect(await asks.admit(user, "ask:1", 3)).toBe(0);
  expect(await asks.admit(user, "ask:1", 3)).toBe(1); // the same update again: counted once, pending once
  expect(await asks.admit(user, "ask:2", 3)).toBe(1);
  expect(await asks.admit(user, "ask:3", 3)).toBe(2);
  vi.setSystemTime(new Date("2026-12-07T10:01:00.300Z"));
  expect(await asks.admit(user, "ask:4", 3)).toBeUndefined();
  expect(await asks.admit(7, "ask:5", 3)).toBe(0); // another user has a limit of their own
  // A minute after the first three: room again.
  vi.setSystemTime(new Date("2026-12-07T10:01:59.800Z"));
  expect(await asks.admit(user, "ask:6", 3)).toBeDefined();
});
