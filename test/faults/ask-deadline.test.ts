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

  it("keep-alive comments count as life: a model still processing past OPENROUTER_TIMEOUT_MS answers, and one that only sends them ends at the ask's deadline", async () => {
    stack = await Stack.start({
      workers: 1,
      env: {
        OPENROUTER_TIMEOUT_MS: "1000",
        ASK_DEADLINE_MS: "6000",
        ASK_MAX_ATTEMPTS: "1",
        STREAM_ANSWERS: "true",
      },
    });
    const user = stack.telegram.newUser();
    // OpenRouter's ": OPENROUTER PROCESSING" for 2.5 s (more than twice the idle limit), then the answer.
    stack.openrouter.enqueue({ kind: "stream", chunks: ["Подумал ", "и ответил"], processingMs: 2_500 });
    expect(await (await ask(stack, user, "подумай")).answer()).toMatch(/^Подумал и ответил\n\n\(\d+ мс; /);

    stack.openrouter.enqueue({ kind: "stream", chunks: [], andThen: "keepalive" });
    expect(await (await ask(stack, user, "только пинги")).answer()).toMatch(
      /^Ошибка: \[deadline\] Ответа нет за 6 с — это предел времени на один вопрос/,
    );
  });
});
