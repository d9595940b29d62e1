import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FloodControl } from "../support/fake-flood.js";
import { scrape } from "../support/metrics.js";
import { Stack } from "../support/stack.js";

/**
 * Telegram's flood control (the fake's, on for the whole file) against the shared Telegram budget:
 * the gateway and two workers send through one budget in Redis.
 */

let stack: Stack;
let flood: FloodControl;
const FOOTER = /\n\n\(\d+ мс; модель: [^)]+\)$/;
/** The calls the fake's flood control counts. */
const COUNTED = new Set(["sendMessage", "editMessageText", "sendDocument", "sendPhoto", "copyMessage"]);

/** The sum of a counter over its labels, across processes. */
async function total(name: string, metricsUrls: string[]): Promise<number> {
  let sum = 0;
  for (const url of metricsUrls)
    for (const line of (await scrape(url)).split("\n"))
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(" ").at(-1));
  return sum;
}

beforeAll(async () => {
  stack = await Stack.start({
    workers: 2,
    env: {
      TELEGRAM_BUDGET: "true",
      WORKER_CONCURRENCY: "40",
      STREAM_ANSWERS: "true",
      STREAM_EDIT_INTERVAL_MS: "1000",
    },
  });
  flood = new FloodControl(stack.telegram);
  // Every answer streamed over about 1.5 s: previews compete with placeholders and answers.
  stack.openrouter.setDefault({
    kind: "stream",
    chunks: ["Первая часть ответа. ", "Вторая часть. ", "Третья. ", "Четвёртая. ", "Конец."],
    chunkDelayMs: 300,
  });
});

afterAll(async () => {
  for (const code of await stack.stop()) expect(code).toBe(0);
});

describe("the shared Telegram budget under Telegram's flood control", () => {
  it("60 users asking at once all get their answers, few calls meet a 429, and previews are skipped, not queued", async () => {
    const users = Array.from({ length: 60 }, () => stack.telegram.newUser());
    const since = stack.telegram.calls.length;
    const refusedBefore = flood.refused;
    for (const [i, user] of users.entries()) stack.telegram.sendText(user, `/ask вопрос номер ${i}?`);

    const answered = () =>
      users.filter((user) =>
        stack.telegram
          .sentTo(user.id)
          .some((c) => FOOTER.test(stack.telegram.textOf(user.id, c.messageId as number) ?? "")),
      ).length;
    await stack.telegram.until(
      () => answered() === users.length,
      120_000,
      () => `${answered()} of ${users.length} asks answered`,
    );
    // Nobody got an error message instead of the answer.
    for (const user of users)
      for (const call of stack.telegram.sentTo(user.id))
        expect(stack.telegram.textOf(user.id, call.messageId as number)).toMatch(FOOTER);

    const calls = stack.telegram.calls
      .slice(since)
      .filter((c) => COUNTED.has(c.method) && c.ok !== undefined).length;
    const refused = flood.refused - refusedBefore;
    console.info(`telegram budget: 60 asks at once, ${calls} chat calls, ${refused} refused with 429`);
    expect(refused).toBeLessThanOrEqual(calls * 0.05);
    const workers = await Promise.all(stack.workers.map((w) => w.metricsUrl()));
    expect(await total("telegram_budget_skipped_total", workers)).toBeGreaterThan(0);
  });

  it("one chat's 10 replies at once go at the chat's pace, none refused with 429", async () => {
    const user = stack.telegram.newUser();
    const refusedBefore = flood.refused;
    for (let i = 0; i < 10; i++) stack.telegram.sendText(user, "/note_count");
    const replies = await stack.telegram.repliesTo(user.id, 10, 0, 60_000);
    expect(replies.map((c) => c.payload.text)).toEqual(Array(10).fill("У вас пока нет заметок."));
    expect(flood.refused - refusedBefore).toBe(0);
  });
});
