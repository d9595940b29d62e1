import { afterEach, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { waitForJob } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("OPENROUTER_RPM counts OpenRouter requests, across all workers", () => {
  it("a user's asks waiting for their turn use up no requests: another user is answered at once", async () => {
    stack = await Stack.start({
      workers: 1,
      env: {
        OPENROUTER_RPM: "3",
        ASK_USER_MAX_IN_FLIGHT: "1",
        WORKER_CONCURRENCY: "4",
        SHUTDOWN_GRACE_MS: "1000",
      },
    });
    const s = stack;
    const busy = s.telegram.newUser();
    s.openrouter.enqueue({ kind: "hang" });
    await ask(s, busy, "долгий");
    await s.openrouter.waitForRequests(1);
    const waiting = await ask(s, busy, "ждёт своей очереди");
    // The waiting ask is taken from the queue and put back (its user is at the limit) again and again.
    await waitForJob(s, waiting.update.update_id, (job) => Number(job.ats ?? 0) >= 5);

    const other = await ask(s, s.telegram.newUser(), "мой вопрос");
    expect(await other.answer(15_000)).toMatch(/^Ответ: мой вопрос/);
    expect(s.openrouter.requests).toHaveLength(2);
  });

  it("fallback requests count too: no more than OPENROUTER_RPM requests in any minute", async () => {
    stack = await Stack.start({
      workers: 1,
      env: { OPENROUTER_RPM: "2", ASK_MAX_ATTEMPTS: "1", FALLBACK_MODELS: "fallback/one:free" },
    });
    const s = stack;
    s.openrouter.enqueueFor("fallback/one:free", { kind: "answer", content: "Ответ запасной модели" });
    s.openrouter.enqueue({ kind: "error", status: 503 });
    expect(await (await ask(s, s.telegram.newUser(), "первый")).answer()).toMatch(/^Ответ запасной модели/);
    expect(s.openrouter.requests).toHaveLength(2);

    const second = await ask(s, s.telegram.newUser(), "второй");
    expect(await second.answer(80_000)).toMatch(/^Ответ: второй/);
    const [first, , third] = s.openrouter.requests;
    expect((third?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(59_000);
  }, 120_000);
});
