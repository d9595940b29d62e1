import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/ports.js";
import { Stack } from "../support/stack.js";

let stack: Stack;
let hook: string;
const SECRET = "webhook-secret-for-tests";

beforeAll(async () => {
  const port = await freePort();
  hook = `http://127.0.0.1:${port}/telegram`;
  stack = await Stack.start({ env: { WEBHOOK_URL: hook, WEBHOOK_SECRET: SECRET, PORT: String(port) } });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0]);
});

const post = (update: unknown, secret?: string) =>
  fetch(hook, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
    },
    body: JSON.stringify(update),
  });

describe("webhook mode", () => {
  it("registers the webhook with its secret and does not poll", () => {
    const setWebhook = stack.telegram.calls.find((c) => c.method === "setWebhook");
    expect(setWebhook?.payload).toMatchObject({ url: hook, secret_token: SECRET });
    expect(stack.telegram.calls.some((c) => c.method === "getUpdates")).toBe(false);
  });

  it("handles updates that carry the secret and rejects those that do not", async () => {
    const user = stack.telegram.newUser();
    const message = (text: string, update_id: number) => ({
      update_id,
      message: {
        message_id: update_id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: user.first_name },
        from: user,
        text,
        entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 0 }],
      },
    });
    const forged = await post(message("/note_add подделка", 900_001), "wrong-secret");
    expect(forged.status).toBe(401);
    expect((await post(message("/note_add без секрета", 900_002))).status).toBe(401);

    const genuine = await post(message("/note_add настоящая", 900_003), SECRET);
    expect(genuine.status).toBe(200);
    const [reply] = await stack.telegram.repliesTo(user.id, 1, 0);
    expect(reply?.payload.text).toMatch(/^Заметка #\d+ сохранена\.$/);
    expect(stack.telegram.sentTo(user.id)).toHaveLength(1);
  });
});
