/**
 * The admission of asks against the real Redis, in process: the worker's admission stage built with its
 * factory, jobs as BullMQ hands them over (no processes, no OpenRouter).
 */
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createAdmission } from "../../services/worker/src/ask/admission.js";
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
