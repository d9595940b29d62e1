import type { Context } from "grammy";

/** Telegram's limit on a message's text. */
export const MESSAGE_LIMIT = 4096;

/**
 * Packs text blocks (each shorter than the limit) into as few messages as possible, in order,
 * so a long list is never cut.
 */
export function packBlocks(blocks: readonly string[], separator = "\n\n", limit = MESSAGE_LIMIT): string[] {
  const messages: string[] = [];
  let current: string | undefined;
  for (const block of blocks) {
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
