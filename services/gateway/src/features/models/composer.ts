import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { parseModelId } from "../arguments.js";
import type { ModelsRepository } from "./repository.js";

interface Deps {
  models: ModelsRepository;
  /** Who may switch the active model; empty means everyone. */
  adminUserIds: ReadonlySet<number>;
}

export function createModelsComposer({ models, adminUserIds }: Deps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const mayConfigure = (userId: number | undefined) =>
    adminUserIds.size === 0 || (userId !== undefined && adminUserIds.has(userId));

  composer.command("models", async (ctx) => {
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("models")));
    const list = await models.list();
    await ctx.reply(
      [ctx.texts.modelsHeader, ...list.map(ctx.texts.modelLine), "", ctx.texts.modelsFooter].join("\n"),
    );
  });

  composer.command("model", async (ctx) => {
    const rawId = ctx.match.trim();
    if (rawId === "") {
      const active = await models.active();
      return void (await ctx.reply(active ? ctx.texts.activeModel(active) : ctx.texts.noActiveModel));
    }
    if (!mayConfigure(ctx.from?.id)) return void (await ctx.reply(ctx.texts.modelSwitchForbidden));
    const id = parseModelId(rawId);
    if (!id.ok) return void (await ctx.reply(ctx.texts.invalidModelId(rawId)));
    // Once per update: a second handling reports the same switch and does not switch back.
    const model = await ctx.once("model", async (tx) => {
      const activated = await models.activate(id.value, tx);
      return activated ? { ...activated } : null;
    });
    // Committed: this gateway's next ask uses the new model.
    models.forgetActive();
    await ctx.reply(model ? ctx.texts.modelSwitched(model) : ctx.texts.modelNotFound(rawId));
  });

  return composer;
}
