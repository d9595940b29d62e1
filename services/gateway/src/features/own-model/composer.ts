/**
 * `/mymodel`: the sender's own model among the available ones, for every ask of theirs in any chat
 * (in a group the choice is the sender's). `/mymodel` shows it and the bot's default, `/mymodel <id>`
 * chooses one, `/mymodel reset` goes back to the default. An unknown or unavailable id changes nothing.
 */
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { parseModelId } from "../arguments.js";
import type { ModelsRepository } from "../models/repository.js";
import type { OwnModelRepository } from "./repository.js";

export function createOwnModelComposer(deps: {
  models: ModelsRepository;
  ownModels: OwnModelRepository;
}): Composer<BotContext> {
  const { models, ownModels } = deps;
  const composer = new Composer<BotContext>();

  composer.command("mymodel", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const raw = ctx.match.trim();
    const t = ctx.texts.ownModel;

    if (raw === "") {
      const [own, fallback] = await Promise.all([ownModels.of(userId), models.active()]);
      const shown = own ? t.shown(own.model, fallback) : t.none(fallback);
      return void (await ctx.reply(`${shown}\n\n${t.usage}`));
    }
    if (raw.toLowerCase() === "reset") {
      await ctx.once("mymodel", async (tx) => {
        await ownModels.set(userId, null, tx);
        return null;
      });
      return void (await ctx.reply(t.reset));
    }

    const id = parseModelId(raw);
    if (!id.ok) return void (await ctx.reply(t.usage));
    const model = await models.byId(id.value);
    if (model === undefined) return void (await ctx.reply(ctx.texts.modelNotFound(raw)));
    if (!model.available) return void (await ctx.reply(t.unavailable(model)));
    await ctx.once("mymodel", async (tx) => {
      await ownModels.set(userId, model.id, tx);
      return model.id;
    });
    await ctx.reply(t.set(model));
  });

  return composer;
}
