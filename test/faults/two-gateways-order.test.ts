/**
 * Two gateways behind one webhook: a balancer may hand a chat's /ask to one gateway and the /cancel
 * after it to the other. The /cancel must be handled after the /ask, as Telegram numbered them.
 */
import type { Update, User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/ports.js";
import { ServiceProcess } from "../support/service.js";
import { Stack } from "../support/stack.js";

const SECRET = "webhook-secret-for-order-tests";
let stack: Stack;
let gateways: { a: number; b: number };
let second: ServiceProcess;

beforeAll(async () => {
  const [a, b] = [await freePort(), await freePort()];
  gateways = { a, b };
  stack = await Stack.start({
    env: { WEBHOOK_URL: `http://127.0.0.1:${a}/telegram`, WEBHOOK_SECRET: SECRET, PORT: String(a) },
  });
  second = new ServiceProcess("gateway", { ...stack.env, PORT: String(b) });
  await second.waitForOutput(/"msg":"gateway started"/);
});

afterAll(async () => {
  expect(await second.stop()).toBe(0);
  expect(await stack.stop()).toEqual([0]);
});

/** POSTs `update` to one gateway, as a balancer in front of both would. */
async function post(port: number, update: Update): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}

let nextId = 500_000_000;
const command = (from: User, text: string) =>
  ({
    update_id: nextId++,
    message: {
      message_id: nextId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from?.id, type: "private", first_name: from?.first_name },
      from,
      text,
      entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 0 }],
    },
  }) as unknown as Update;

describe("two gateways behind one webhook", () => {
  it("a chat's /cancel taken by the other gateway waits for its /ask: the ask is cancelled, not left running", async () => {
    const user = stack.telegram.newUser();
    // The /ask's handler is slow on gateway A: its placeholder is on its way to Telegram.
    const placeholder = stack.telegram.hold(
      (c) =>
        c.method === "sendMessage" &&
        c.payload.chat_id === user.id &&
        String(c.payload.text).startsWith("⏳"),
    );
    const ask = command(user, "/ask вопрос, который отменят");
    const cancel = command(user, "/cancel");
    expect(await post(gateways.a, ask)).toBe(200);
    await stack.telegram.waitForCall((c) => c.method === "sendMessage" && c.payload.chat_id === user.id);
    expect(await post(gateways.b, cancel)).toBe(200);
    // Gateway B either waits for the /ask (fixed) or answers at once that there is nothing to cancel.
    const answeredAtOnce = stack.telegram.waitForCall(
      (c) =>
        c.method === "sendMessage" &&
        c.payload.chat_id === user.id &&
        !String(c.payload.text).startsWith("⏳"),
      15_000,
    );
    await Promise.race([
      second.waitForOutput(/waiting for an earlier update of the chat/, 15_000),
      answeredAtOnce,
    ]);
    answeredAtOnce.catch(() => {});
    placeholder.release();

    const replies = await stack.telegram.repliesTo(user.id, 2, 0, 30_000);
    const shown = replies.find((c) => String(c.payload.text).startsWith("⏳"));
    expect(replies.map((c) => c.payload.text)).toEqual([shown?.payload.text, "Отменено вопросов: 1."]);
    await stack.telegram.waitForText(user.id, shown?.messageId as number, (t) => t === "Вопрос отменён.");
  });
});
