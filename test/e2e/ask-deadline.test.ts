import { afterEach, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("the ask's deadline (ASK_DEADLINE_MS)", () => {
  it("bounds retries and fallbacks: a hang on every model ends in a text naming the limit, and a hang goes to a fallback at once", async () => {
    const fallbacks = ["fallback/one:free", "fallback/two:free"];
    stack = await Stack.start({
      workers: 1,
      env: {
        OPENROUTER_TIMEOUT_MS: "1000",
        ASK_DEADLINE_MS: "2500",
        ASK_MAX_ATTEMPTS: "4",
        FALLBACK_MODELS: fallbacks.join(","),
        BREAKER_VOLUME_THRESHOLD: "1000",
      },
    });
    stack.openrouter.setDefault({ kind: "hang" });
    const user = stack.telegram.newUser();
    const pending = await ask(stack, user, "никто не ответит");
    expect(await pending.answer()).toMatch(
      /^Ошибка: \[deadline\] Ответа нет за 3 с — это предел времени на один вопрос/,
    );
    // One try of the active model (a hang is not waited out again), then each fallback once.
    const models = stack.openrouter.requests.map((r) => r.model);
    expect(models.slice(1)).toEqual(fallbacks);
    expect(models[0]).not.toMatch(/^fallback\//);
  });

  it("a stream of nothing but keep-alive comments times out after OPENROUTER_TIMEOUT_MS, not the stream timeout", async () => {
    stack = await Stack.start({
      workers: 1,
      env: { OPENROUTER_TIMEOUT_MS: "1000", ASK_MAX_ATTEMPTS: "1", STREAM_ANSWERS: "true" },
    });
    stack.openrouter.enqueue({ kind: "stream", chunks: [], andThen: "keepalive" });
    const user = stack.telegram.newUser();
    expect(await (await ask(stack, user, "только пинги")).answer()).toMatch(
      /^Ошибка: \[timeout\] Модель не ответила за 1 с/,
    );
  });
});
