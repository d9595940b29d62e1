/**
 * `/usage`: the sender's asks and tokens today (UTC) and in total; for admins also the whole bot's, the
 * OpenRouter key's state and about how many free requests are left today. Reads only: rows are written
 * by the worker as asks are answered.
 */
import type { Logger } from "@notesbot/shared/logging";
import {
  FREE_REQUESTS_PER_DAY,
  type KeyStateResult,
  type UsageStore,
  type UsageSummary,
} from "@notesbot/shared/usage";
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { isAdmin } from "../../middleware/access.js";

interface Deps {
  usage: UsageStore;
  /** Who sees the bot's totals and the key's state; empty means nobody. */
  adminUserIds: ReadonlySet<number>;
  /** OpenRouter's `GET /key` (no key configured: a failure naming it). */
  keyState: () => Promise<KeyStateResult>;
  logger: Logger;
}

export function createUsageComposer({ usage, adminUserIds, keyState, logger }: Deps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("usage", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("usage")));
    const lines = [ctx.texts.usageReport.user(view(await usage.ofUser(userId)))];
    if (isAdmin(adminUserIds, userId)) {
      const [bot, key] = await Promise.all([usage.ofBot(), keyState()]);
      lines.push("", ctx.texts.usageReport.bot(view(bot)));
      if (key.ok) {
        lines.push(ctx.texts.usageReport.key(key.key));
        const cap = key.key.freeRequestsPerDay;
        if (cap === undefined) {
          lines.push(ctx.texts.usageReport.freeCapUnknown(bot.today.asks, FREE_REQUESTS_PER_DAY));
        } else {
          // OpenRouter's own count when it reports one; else this bot's answered asks today.
          const left = key.key.freeRequestsLeft ?? Math.max(0, cap - bot.today.asks);
          lines.push(ctx.texts.usageReport.freeLeft(left, cap));
        }
      } else {
        logger.warn({ reason: key.reason }, "OpenRouter key state unavailable");
        lines.push(ctx.texts.usageReport.keyUnavailable(key.reason));
      }
    }
    await ctx.reply(lines.join("\n"));
  });

  return composer;
}

const view = (summary: UsageSummary) => ({
  asksToday: summary.today.asks,
  tokensToday: summary.today.tokens,
  asks: summary.total.asks,
  tokens: summary.total.tokens,
});
