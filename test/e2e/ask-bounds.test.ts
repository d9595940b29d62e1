import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

// Bounds a model cannot break: `max_tokens` on every request, and the text gathered for one answer
// capped, so that a model that goes on and on never takes the worker (64 MB of heap) down with it.

const MAX_TOKENS = 1234;
const MAX_ANSWER_CHARS = 8_000;
const CUT_NOTE = "✂️ Ответ оказался слишком длинным — показано его начало.";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    env: { OPENROUTER_MAX_TOKENS: String(MAX_TOKENS), ASK_ANSWER_MAX_CHARS: String(MAX_ANSWER_CHARS) },
  });
});

afterAll(async () => {
  for (const code of await stack.stop()) expect(code).toBe(0);
});

/** About 1.5 MB of answer, in 1,000-character chunks. */
const HUGE = Array.from({ length: 1_500 }, (_, i) =>
  `Part ${i}, and on it goes. `.repeat(40).slice(0, 1_000),
);

/** The texts the chat shows now, message by message. */
const shownIn = (chatId: number) =>
  stack.telegram.sentTo(chatId).map((c) => stack.telegram.textOf(chatId, c.messageId as number) ?? "");

describe.each([
  ["streamed", "true"],
  ["in one piece", "false"],
])("an answer of 1.5 MB, %s", (_how, streaming) => {
  it("leaves the worker running and the user with its beginning and a note; the request carried max_tokens", async () => {
    const worker = await stack.addWorker({ STREAM_ANSWERS: streaming });
    onTestFinished(async () => {
      expect(await worker.stop()).toBe(0);
    });
    const before = stack.openrouter.requests.length;
    stack.openrouter.enqueue({ kind: "stream", chunks: HUGE });
    const user = stack.telegram.newUser();
    await ask(stack, user, "расскажи всё, что знаешь");

    await stack.telegram.until(
      () => shownIn(user.id).some((text) => text.includes(CUT_NOTE)),
      30_000,
      () => `no note; the worker said:\n${worker.output.slice(-2_000)}`,
    );
    expect(worker.running).toBe(true);
    const shown = shownIn(user.id);
    expect(shown[0]).toMatch(/^Part 0, and on it goes\./);
    const total = shown.reduce((sum, text) => sum + text.length, 0);
    expect(total).toBeGreaterThan(MAX_ANSWER_CHARS - 1_000);
    expect(total).toBeLessThan(MAX_ANSWER_CHARS + 1_000);

    const request = stack.openrouter.requests[before];
    expect((request?.body as { max_tokens?: unknown } | undefined)?.max_tokens).toBe(MAX_TOKENS);
  });
});
