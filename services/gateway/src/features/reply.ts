import { splitPlainText, TELEGRAM_MESSAGE_LIMIT } from "@notesbot/shared/telegram";
import type { Context } from "grammy";

/**
 * Packs text blocks into as few messages as possible, in order, so a long list is never cut. A block
 * longer than a message by itself (a note stored before limits were counted as Telegram counts them)
 * is split at line breaks or spaces, never inside a character.
 */
export function packBlocks(
  blocks: readonly string[],
  separator = "\n\n",
  limit = TELEGRAM_MESSAGE_LIMIT,
): string[] {
  const messages: string[] = [];
  let current: string | undefined;
  for (const block of blocks.flatMap((b) => (b.length > limit ? splitPlainText(b, limit) : [b]))) {
    const candidate = current === undefined ? block : `${current}${separator}${block}`;
    if (candidate.length <= limit || current === undefined) {
      current = candidate;
    } else {
      messages.push(current);
      current = block;
    }
  }
  if (current !== undefined) messages.push(current);
  return messages;
}

export async function replyInParts(
  ctx: Context,
  blocks: readonly string[],
  separator?: string,
): Promise<void> {
  for (const message of packBlocks(blocks, separator)) await ctx.reply(message);
}
