import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { sample, scrape } from "../support/metrics.js";
import { eventually } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1, env: { ASK_MAX_ATTEMPTS: "1" } });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

describe("metrics, health and readiness", () => {
  it("count commands, asks, OpenRouter requests and queue states, with no user or chat ids", async () => {
    const user = stack.telegram.newUser();
    await stack.say(user, "/note_add для метрик");
    await stack.say(user, "/note_count");
    await stack.say(user, "/ask");
    const ok = await ask(stack, user, "успешный");
    const okText = await ok.answer();
    stack.openrouter.enqueue({ kind: "error", status: 503 });
    await (await ask(stack, user, "неудачный")).answer();
    const model = /модель: ([^)]+)\)$/.exec(okText)?.[1] as string;

    // The failed ask's job is marked failed just after the user reads the failure: wait for that.
    const gatewayUrl = await stack.gateway.metricsUrl();
    const gateway = await eventually(
      () => scrape(gatewayUrl),
      (text) => sample(text, "ask_queue_jobs", { state: "failed" }) === 1,
    );
    expect(sample(gateway, "bot_updates_total", { command: "note_add" })).toBe(1);
    expect(sample(gateway, "bot_updates_total", { command: "ask" })).toBe(3);
    expect(sample(gateway, "bot_command_duration_seconds_count", { command: "note_count" })).toBe(1);
    expect(sample(gateway, "ask_jobs_enqueued_total")).toBe(2);
    expect(sample(gateway, "ask_queue_jobs", { state: "failed" })).toBe(1);
    expect(sample(gateway, "ask_queue_jobs", { state: "waiting" })).toBe(0);
    expect(sample(gateway, "process_resident_memory_bytes")).toBeGreaterThan(0);

    const worker = stack.workers[0];
    if (!worker) throw new Error("no worker");
    // The worker records the answer just after the user sees it.
    await worker.waitForOutput(/"outcome":"error"[^\n]*"msg":"ask finished"/);
    const metrics = await scrape(await worker.metricsUrl());
    expect(sample(metrics, "openrouter_requests_total", { model, status: "200" })).toBe(1);
    expect(sample(metrics, "openrouter_requests_total", { model, status: "503" })).toBe(1);
    expect(sample(metrics, "openrouter_request_duration_seconds_count", { model })).toBe(2);
    expect(sample(metrics, "ask_duration_seconds_count", { model, outcome: "ok" })).toBe(1);
    expect(sample(metrics, "ask_duration_seconds_count", { model, outcome: "error" })).toBe(1);
    expect(sample(metrics, "openrouter_breaker_state", { model })).toBe(0);

    for (const text of [gateway, metrics]) {
      expect(text).not.toContain(String(user.id));
      expect(text).not.toContain(stack.telegram.token);
    }
  });

  it("count Telegram API errors by method and code", async () => {
    const user = stack.telegram.newUser();
    stack.telegram.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    expect(await stack.say(user, "/note_count")).toEqual(["У вас пока нет заметок."]);
    // The failed ask's job is marked failed just after the user reads the failure: wait for that.
    const gatewayUrl = await stack.gateway.metricsUrl();
    const gateway = await eventually(
      () => scrape(gatewayUrl),
      (text) => sample(text, "ask_queue_jobs", { state: "failed" }) === 1,
    );
    expect(sample(gateway, "telegram_api_errors_total", { method: "sendMessage", code: "429" })).toBe(1);
  });

  it("answer /healthz and /readyz on both services", async () => {
    for (const service of [stack.gateway, ...stack.workers]) {
      const url = await service.metricsUrl();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as Record<string, string>;
      expect(Object.values(body).every((state) => state === "up")).toBe(true);
      expect(body.redis).toBe("up");
    }
  });
});
