/**
 * The admission of asks against the real Redis, in process: the worker's admission stage built with its
 * factory, jobs as BullMQ hands them over (no processes, no OpenRouter).
 */
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createAdmission } from "../../services/worker/src/ask/admission.js";
import { createRequestLimit } from "../../services/worker/src/ask/request-limit.js";
import { type AskJob, userAsks } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { createQueuePrefix } from "../support/database.js";

const redis = new Redis(inject("redisUrl"));
afterAll(() => redis.disconnect());

const DEADLINE_MS = 180_000;
let nextUser = 1;
let nextJob = 1;

/** A job of `userId` asked `agoMs` ago, as BullMQ hands it to the processor. */
const jobOf = (userId: number, agoMs = 0) =>
  ({
    id: `tg-update-${nextJob++}`,
    data: {
      chatId: userId,
      placeholderMessageId: 1,
      userId,
      question: "?",
      modelKey: "m",
      enqueuedAt: Date.now() - agoMs,
    },
    progress: 0,
  }) as unknown as Job<AskJob>;

describe("the per-user in-flight limit (ASK_USER_MAX_IN_FLIGHT)", () => {
  it("holds when a job runs again past its bound: its short lease never frees the others' slots", async () => {
    const admit = createAdmission({
      userAsks: userAsks(redis, createQueuePrefix()),
      localizer: createLocalizer(),
      retry: { maxAttempts: 3, baseMs: 50, deadlineMs: DEADLINE_MS },
      hasApiKey: true,
      perUserInFlight: 2,
    });
    const userId = nextUser++;
    expect((await admit(jobOf(userId))).kind).toBe("run");
    // A job run again long after its question (a delivery retried past the ask's bound).
    expect((await admit(jobOf(userId, 10 * DEADLINE_MS))).kind).toBe("run");
    // Two run: a third waits.
    expect((await admit(jobOf(userId))).kind).toBe("busy");
  });
});

describe("OPENROUTER_RPM request slots", () => {
  it("are given in the order asked for, never more than the limit in any minute, each kept by its holder", async () => {
    const limit = createRequestLimit(redis, `${createQueuePrefix()}:requests`, 3);
    const far = Date.now() + 3_600_000;
    const asked = Array.from({ length: 10 }, (_, i) => `job-${i}`);
    const before = Date.now();
    const slots = await Promise.all(asked.map((request) => limit.reserve(request, far)));
    const after = Date.now();
    // When each may go, within the time the calls took.
    const startsAt = slots.map((slot) => (slot.kind === "wait" ? slot.waitMs : 0));
    expect(slots.slice(0, 3).map((s) => s.kind)).toEqual(["now", "now", "now"]);
    expect(slots.slice(3).map((s) => (s.kind === "wait" ? s.place : 0))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (let i = 3; i < asked.length; i++) {
      // A window after the slot three before it (slots to come are a millisecond apart at least): at
      // most three in any minute, and none later than that.
      const gap = (startsAt[i] ?? 0) - (startsAt[i - 3] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(60_000 - (after - before));
      expect(gap).toBeLessThanOrEqual(60_000 + (after - before) + asked.length);
    }
    // Asked again (the job run at its slot), a request keeps its own slot.
    const again = await limit.reserve("job-4", far);
    expect(again).toMatchObject({ kind: "wait", held: true, place: 2 });
    // A slot that would come after the ask's deadline is not taken: the next request gets it.
    expect(await limit.reserve("late", Date.now() + 1_000)).toEqual({ kind: "none" });
    const next = await limit.reserve("next", far);
    expect(next).toMatchObject({ kind: "wait", place: 8, held: false });
  });
});
