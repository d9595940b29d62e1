import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import type { Behaviour } from "../support/fake-openrouter.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: { ASK_MAX_ATTEMPTS: "1", BREAKER_VOLUME_THRESHOLD: "4", BREAKER_RESET_MS: "1000" },
  });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const breakerStates = async (url: string) =>
  [
    ...(await (await fetch(`${url}/metrics`)).text()).matchAll(/^openrouter_breaker_state\{[^}]*\} (\d)$/gm),
  ].map((m) => Number(m[1]));

describe("OpenRouter flapping between 503 and 200", () => {
  it("opens the breaker and closes it again, and the metrics show it", async () => {
    const worker = stack.workers[0];
    if (!worker) throw new Error("no worker");
    const metricsUrl = await worker.metricsUrl();
    const user = stack.telegram.newUser();
    const flapping: Behaviour[] = [];
    for (let i = 0; i < 4; i++) flapping.push({ kind: "error", status: 503 }, { kind: "echo" });
    stack.openrouter.enqueue(...flapping.slice(0, 5));

    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await (await ask(stack, user, `волна ${i}`)).answer());
    await worker.waitForOutput(/"state":"open"/);
    expect(await breakerStates(metricsUrl)).toEqual([2]);
    const whileOpen = await (await ask(stack, user, "пока открыт")).answer();
    expect(whileOpen).toMatch(/временно недоступна/);

    await worker.waitForOutput(/"state":"half_open"/);
    expect(await breakerStates(metricsUrl)).toEqual([1]);
    expect(await (await ask(stack, user, "после паузы")).answer()).toMatch(/^Ответ: после паузы/);
    expect(await breakerStates(metricsUrl)).toEqual([0]);

    const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/openrouter_requests_total\{[^}]*status="breaker_open"[^}]*\} 1/);
    console.info(
      `openrouter flapping: outcomes ${outcomes.map((o) => o.slice(0, 12)).join(" | ")}; breaker 2 → 1 → 0`,
    );
  });
});
