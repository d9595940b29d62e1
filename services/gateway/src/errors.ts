import { isDatabaseUnavailable } from "@notesbot/shared/db";
import type { Logger } from "@notesbot/shared/logging";
import type { Texts } from "@notesbot/shared/texts";
import type { BotError, Context } from "grammy";

/** The one place where a failure inside a command becomes what the user reads. */
export function userTextFor(error: unknown, texts: Texts): string {
  if (isDatabaseUnavailable(error)) return texts.errors.storageUnavailable;
  return texts.errors.internal;
}

export function createErrorHandler(logger: Logger, texts: Texts) {
  return async (err: BotError<Context>) => {
    const { ctx, error } = err;
    logger.error({ err: error, updateId: ctx.update.update_id, chatId: ctx.chat?.id }, "command failed");
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
