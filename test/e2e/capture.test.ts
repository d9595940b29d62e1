/**
 * Capture with the gateway as a process: a forwarded album arriving out of order and split by a gateway
 * killed between its parts becomes one note with every caption in order (the parts are gathered in
 * PostgreSQL), and an inline query travels the real polling path (allowed_updates, no inbox row).
 */
import type { MessageOrigin } from "grammy/types";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { Stack } from "../support/stack.js";

const texts = createLocalizer().of("ru");
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start();
});

afterAll(async () => {
  await stack.stop();
});

const origin: MessageOrigin = {
  type: "channel",
  date: 1,
  chat: { id: -1001234, type: "channel", title: "Фотоканал", username: "photo_channel" },
  message_id: 77,
};

/** Resolves once the gateway confirmed `updateId` to Telegram: it is in the inbox, handled or not. */
const confirmed = (updateId: number) =>
  stack.telegram.waitForCall((c) => c.method === "getUpdates" && Number(c.payload.offset) > updateId);

it("an album out of order, split by a gateway killed between its parts, becomes one note with every caption in order", async () => {
  const user = stack.telegram.newUser();
  const ids = [1, 2, 3].map(() => stack.telegram.reserveMessageId());
  const part = (i: number) =>
    stack.telegram.forward(user, origin, {
      caption: `Часть ${i + 1}`,
      photo: `AgAD-part-${i + 1}`,
      mediaGroupId: "13579",
      messageId: ids[i] as number,
    });
  part(2);
  const update = part(0);
  await confirmed(update.update_id);
  // Killed outright, before the album went quiet: what it had taken in is in PostgreSQL.
  await stack.gateway.stop("SIGKILL");
  part(1);
  await stack.startGateway();

  const [reply] = await stack.telegram.repliesTo(user.id, 1, 0);
  const { rows } = await stack.db.query<{ id: string; text: string; photos: string[] }>(
    "SELECT id, text, photos FROM notes WHERE user_id = $1",
    [user.id],
  );
  expect(rows).toEqual([
    {
      id: expect.any(String),
      text: "Часть 1\n\nЧасть 2\n\nЧасть 3",
      photos: ["AgAD-part-1", "AgAD-part-2", "AgAD-part-3"],
    },
  ]);
  const told = texts.capture.albumSaved(String(rows[0]?.id), "Фотоканал", 3, 3, false);
  expect(await stack.telegram.waitForText(user.id, reply?.messageId as number, (t) => t === told)).toBe(told);
  expect(stack.telegram.sentTo(user.id)).toHaveLength(1);
});

it("an inline query is asked for, answered with the user's notes, and never recorded in the inbox", async () => {
  const user = stack.telegram.newUser();
  await stack.say(user, "/note_add Рецепт блинов");
  const update = stack.telegram.inlineQuery(user, "блин");

  const answer = await stack.telegram.inlineAnswerOf(update);

  const polls = stack.telegram.calls.filter((c) => c.method === "getUpdates");
  expect(polls.at(-1)?.payload.allowed_updates).toEqual(["message", "callback_query", "inline_query"]);
  expect(answer.results).toMatchObject([{ input_message_content: { message_text: "Рецепт блинов" } }]);
  const { rows } = await stack.db.query("SELECT 1 FROM inbox WHERE update_id = $1", [update.update_id]);
  expect(rows).toEqual([]);
});
