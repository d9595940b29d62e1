import type { Chat, User } from "grammy/types";
import type { Stack } from "./stack.js";

export const PLACEHOLDER = "⏳ Думаю над ответом…";

/** A final text: not the placeholder, not a "retrying" status, not a streamed preview (which ends in ▌). */
export const isFinal = (text: string) => !text.startsWith("⏳") && !text.endsWith("▌");

/** Successful edits of one message into a final text: how many answers the user saw in it. */
export const answersShown = (stack: Stack, chatId: number, messageId: number) =>
  stack.telegram.calls.filter(
    (c) =>
      c.method === "editMessageText" &&
      c.ok === true &&
      Number(c.payload.chat_id) === chatId &&
      Number(c.payload.message_id) === messageId &&
      isFinal(String(c.payload.text)),
  ).length;

/**
 * Sends `/ask question` and waits for the placeholder; `answer()` then waits until the placeholder
 * has been edited into something final and returns that text.
 */
export async function ask(stack: Stack, user: User, question: string, chat?: Chat) {
  const chatId = chat?.id ?? user.id;
  const before = stack.telegram.sentTo(chatId).length;
  const update = stack.telegram.sendText(user, `/ask ${question}`, chat);
  const [call] = await stack.telegram.repliesTo(chatId, 1, before);
  // The placeholder, or its queued variant when the user has other asks pending.
  if (!call || !String(call.payload.text).startsWith("⏳")) {
    throw new Error(`expected the placeholder, got ${JSON.stringify(call?.payload.text)}`);
  }
  const messageId = call.messageId as number;
  return {
    update,
    chatId,
    messageId,
    answer: (timeoutMs?: number) => stack.telegram.waitForText(chatId, messageId, isFinal, timeoutMs),
  };
}
