import type { Chat, User } from "grammy/types";
import type { Stack } from "./stack.js";

export const PLACEHOLDER = "⏳ Думаю над ответом…";

/** A final text: not the placeholder, not a "retrying" status, not a streamed preview (which ends in ▌). */
export const isFinal = (text: string) => !text.startsWith("⏳") && !text.endsWith("▌");

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
