import { isDatabaseUnavailable } from "@notesbot/shared/db";
import type { Logger } from "@notesbot/shared/logging";
import type { Texts } from "@notesbot/shared/texts";
import { type BotError, type Context, GrammyError } from "grammy";
import type { LocaleFlavor } from "./middleware/locale.js";

/** The one place where a failure inside a command becomes what the user reads. */
export function userTextFor(error: unknown, texts: Texts): string {
  if (isDatabaseUnavailable(error)) return texts.errors.storageUnavailable;
  return texts.errors.internal;
}

/**
 * Logs a failed update (ids and codes only) and tells the user, in their language when the failure came
 * after it was known (else in `fallback`'s).
 */
export function createErrorHandler(logger: Logger, fallback: Texts) {
  return async (err: BotError<Context & Partial<LocaleFlavor>>) => {
    const { ctx, error } = err;
    const texts = ctx.texts ?? fallback;
    logger.error({ err: error, updateId: ctx.update.update_id, chatId: ctx.chat?.id }, "command failed");
    // The chat is over Telegram's flood limit: a reply about the failure would be refused the same way.
    if (error instanceof GrammyError && error.error_code === 429) return;
    try {
      await ctx.reply(userTextFor(error, texts));
    } catch (replyError) {
      logger.warn(
        { err: replyError, updateId: ctx.update.update_id },
        "could not report the failure to the user",
      );
    }
  };
}
