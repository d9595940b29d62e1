import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { createSlotWaiters } from "../../services/worker/src/ask/slot-waiters.js";
import { ASK_QUEUE } from "../../shared/src/queue/index.js";

/**
 * A user's asks waiting for one of their running slots (services/worker/src/ask/slot-waiters.ts), on a
 * real BullMQ queue: when one of the user's asks ends, the oldest waiting one runs at once (from delayed
 * to waiting), not at its own delay; another user's asks are not woken by it.
 */

let connection: Redis;
let queue: Queue;

beforeEach(async () => {
  connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const prefix = `${inject("runId")}_slots_${randomBytes(3).toString("hex")}`;
  queue = new Queue(ASK_QUEUE, { connection, prefix });
});

afterEach(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

/** An ask put back for a minute, as a busy ask is. */
const delayed = (name: string) =>
  queue.add(name, {}, { delay: 60_000, jobId: `${name}-${randomBytes(3).toString("hex")}` });
const state = (id: string | undefined) => queue.getJobState(id as string);

describe("asks waiting for their user's running slot", () => {
  it("run as soon as one of the user's asks ends, the oldest first, and only that user's", async () => {
    const waiters = createSlotWaiters(pino({ level: "silent" }));
    const [first, second, stranger] = [
      await delayed("first"),
      await delayed("second"),
      await delayed("stranger"),
    ];
    waiters.wait(1, first);
    waiters.wait(1, second);
    waiters.wait(1, first); // waiting again keeps its place
    waiters.wait(2, stranger);

    waiters.ran(1, "running-ask");
    await vi.waitFor(async () => expect(await state(first.id)).toBe("waiting"));
    expect(await state(second.id)).toBe("delayed");
    expect(await state(stranger.id)).toBe("delayed");

    waiters.ran(1, first.id as string);
    await vi.waitFor(async () => expect(await state(second.id)).toBe("waiting"));
    expect(await state(stranger.id)).toBe("delayed");
  });

  it("leave alone an ask that already ran at its own delay, and wake the next one instead of it", async () => {
    const waiters = createSlotWaiters(pino({ level: "silent" }));
    const [gone, next] = [await delayed("gone"), await delayed("next")];
    waiters.wait(1, gone);
    waiters.wait(1, next);
    await gone.promote(); // its own delay came first; it runs and ends
    waiters.ran(1, gone.id as string);
    await vi.waitFor(async () => expect(await state(next.id)).toBe("waiting"));
    waiters.ran(1, "another-ask"); // nobody waits: nothing happens, nothing thrown
  });
});
