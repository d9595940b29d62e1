import { isLocale } from "@notesbot/shared/domain";
import type { Localizer } from "@notesbot/shared/texts";
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import type { SettingsRepository } from "./repository.js";

/** `/lang ru|en`: the language the bot speaks to the sender from now on (stored, once per update). */
export function createSettingsComposer(deps: {
  settings: SettingsRepository;
  localizer: Localizer;
}): Composer<BotContext> {
  const { settings, localizer } = deps;
  const composer = new Composer<BotContext>();
  composer.command("lang", async (ctx) => {
    const userId = ctx.from?.id;
    const wanted = ctx.match.trim().toLowerCase();
    if (userId === undefined || !isLocale(wanted)) return void (await ctx.reply(ctx.texts.lang.usage));
    await ctx.once("lang", async (tx) => {
      await settings.setLocale(userId, wanted, tx);
      return wanted;
    });
    // The reply is already in the language chosen.
    ctx.locale = wanted;
    ctx.texts = localizer.of(wanted);
    await ctx.reply(ctx.texts.lang.switched);
  });
  return composer;
}
