import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/** /start and /help; must be installed before the fallback for unknown input. */
export function createGeneralComposer(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("start", (ctx) => ctx.reply(ctx.texts.start(ctx.from?.first_name, ctx.me.username)));
  composer.command("help", (ctx) => ctx.reply(ctx.texts.help(ctx.me.username)));
  return composer;
}

/**
 * Unknown commands. In private chats the user gets a hint; in groups the bot stays quiet unless the
 * command was addressed to it by name. (Plain text is a question: see the ask feature.)
 */
export function createFallbackComposer(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("message:entities:bot_command", async (ctx, next) => {
    const command = ctx.entities("bot_command")[0];
    if (command?.offset !== 0) return next();
    const addressedToMe = command.text.toLowerCase().endsWith(`@${ctx.me.username.toLowerCase()}`);
    if (ctx.chat.type === "private" || addressedToMe) await ctx.reply(ctx.texts.unknownCommand);
  });
  // In a private chat, text that reached this far starts with "/" but names no command (a bare "/").
  composer.chatType("private").on("message:text", (ctx) => ctx.reply(ctx.texts.unknownCommand));
  return composer;
}
