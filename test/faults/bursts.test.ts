import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FloodControl } from "../support/fake-flood.js";
import { sample, scrape } from "../support/metrics.js";
import { freePort } from "../support/ports.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

const BURST = 1000;
const TOO_MANY = /^⚠️ Слишком много сообщений сразу: обработаю первые \d+, остальные пропущу\./;

/** The burst and another user's question: the reply time, and the burst's replies and skips. */
async function burstAndAnother(mode: string) {
  const [burster, other] = [stack.telegram.newUser(), stack.telegram.newUser()];
  const calls = stack.telegram.calls.length;
  for (let i = 0; i < BURST; i++) stack.telegram.sendText(burster, "/note_count");
  // Behind all 1000 in Telegram's queue: the worst place to be.
  const asked = Date.now();
  stack.telegram.sendText(other, "/note_count");
  const [reply] = await stack.telegram.repliesTo(other.id, 1, 0, 60_000);
  const replyMs = Date.now() - asked;
  expect(reply?.payload.text).toBe("У вас пока нет заметок.");

  // Every command of the burst was handled or skipped; those handled were answered, and one notice said so.
  const metrics = await stack.gateway.metricsUrl();
  await stack.telegram.until(
    () => stack.telegram.sentTo(burster.id).some((c) => TOO_MANY.test(String(c.payload.text))),
    60_000,
    () => "no notice of the skipped commands",
  );
  const refused = sample(await scrape(metrics), "intake_updates_refused_total") ?? 0;
  expect(refused).toBeGreaterThan(0);
  const replies = await stack.telegram.repliesTo(burster.id, BURST - refused + 1, 0, 120_000);
  expect(replies.filter((c) => TOO_MANY.test(String(c.payload.text)))).toHaveLength(1);
  expect(replies.filter((c) => c.payload.text === "У вас пока нет заметок.")).toHaveLength(BURST - refused);
  const flooded = stack.telegram.calls.slice(calls).filter((c) => c.ok === false).length;
  console.info(
    `bursts (${mode}): another user's reply ${replyMs} ms after its message, behind ${BURST} commands from ` +
      `one chat (flood control on: ${flooded} calls refused with 429); ${BURST - refused} of the burst ` +
      `answered, ${refused} skipped with one notice`,
  );
}

describe("one chat's burst in webhook mode, with Telegram's flood control", () => {
  beforeAll(async () => {
    const port = await freePort();
    stack = await Stack.start({
      env: {
        WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`,
        WEBHOOK_SECRET: "burst-secret",
        // As in production: replies share Telegram's limits (the budget), flood control being on.
        TELEGRAM_BUDGET: "true",
        PORT: String(port),
      },
    });
    new FloodControl(stack.telegram);
  });
  afterAll(async () => {
    expect(await stack.stop()).toEqual([0]);
  });

  it("1000 commands from one chat, posted 40 at a time: bounded handling, the excess skipped and said so once", async () => {
    await burstAndAnother("webhook");
  });
});

describe("one chat's burst, with Telegram's flood control", () => {
  beforeAll(async () => {
    stack = await Stack.start({ env: { TELEGRAM_BUDGET: "true" } });
    new FloodControl(stack.telegram);
  });
  afterAll(async () => {
    expect(await stack.stop()).toEqual([0]);
  });
  it("1000 commands from one chat never hold up another user's reply; the excess is skipped, and said so once", async () => {
    await burstAndAnother("polling");
  });

  it("a flood wait longer than the cap gives the reply up at once (logged, counted) instead of holding the chat", async () => {
    const user = stack.telegram.newUser();
    const metrics = await stack.gateway.metricsUrl();
    const given = async () =>
      sample(await scrape(metrics), "telegram_flood_waits_given_up_total", { method: "sendMessage" }) ?? 0;
    const before = await given();
    stack.telegram.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 600",
      parameters: { retry_after: 600 },
    });
    stack.telegram.sendText(user, "/note_count");
    await stack.gateway.waitForOutput(
      /"method":"sendMessage","retryAfter":600,"msg":"reply given up/,
      30_000,
    );
    expect(await given()).toBe(before + 1);
    // The chat is not held: its next command is answered.
    expect(await stack.say(user, "/note_count")).toEqual(["У вас пока нет заметок."]);
  });
});
