import type { Context, MiddlewareFn } from "grammy";
import type { LocaleFlavor } from "./locale.js";

/**
 * Lets through only the users in `allowedUserIds` (empty: everyone). Others get a polite refusal when
 * they use a command, press a button or search inline, and nothing of theirs reaches the features.
 */
export function restrictTo(allowedUserIds: ReadonlySet<number>): MiddlewareFn<Context & LocaleFlavor> {
  return async (ctx, next) => {
    if (allowedUserIds.size === 0) return next();
    const userId = ctx.from?.id;
    if (userId !== undefined && allowedUserIds.has(userId)) return next();
    if (ctx.message?.text?.startsWith("/")) await ctx.reply(ctx.texts.accessDenied);
    // A button press gets its answer too, or the user's client shows it loading for a while.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.texts.accessDenied });
    if (ctx.inlineQuery) {
      await ctx.answerInlineQuery([], {
        is_personal: true,
        cache_time: 0,
        button: { text: ctx.texts.inline.denied, start_parameter: "access" },
      });
    }
  };
}

/** Whether `userId` is one of the admins (`ADMIN_USER_IDS`; empty: nobody is). */
export const isAdmin = (adminUserIds: ReadonlySet<number>, userId: number | undefined): boolean =>
  userId !== undefined && adminUserIds.has(userId);
