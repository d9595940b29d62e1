import type { Texts } from "@notesbot/shared/texts";
import type { Context, MiddlewareFn } from "grammy";

/**
 * Lets through only the users in `allowedUserIds` (empty: everyone). Others get a polite refusal when
 * they use a command, and nothing of theirs reaches the features.
 */
export function restrictTo(allowedUserIds: ReadonlySet<number>, texts: Texts): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (allowedUserIds.size === 0) return next();
    const userId = ctx.from?.id;
    if (userId !== undefined && allowedUserIds.has(userId)) return next();
    if (ctx.message?.text?.startsWith("/")) await ctx.reply(texts.accessDenied);
  };
}

/** Whether `userId` is one of the admins (`ADMIN_USER_IDS`; empty: everyone is). */
export const isAdmin = (adminUserIds: ReadonlySet<number>, userId: number | undefined): boolean =>
  adminUserIds.size === 0 || (userId !== undefined && adminUserIds.has(userId));
