/**
 * `/persona`: the chat's persona, added to the bot's rules in the system prompt of every ask in the
 * chat. `/persona` shows it with the presets, `/persona <name>` picks a preset (by its name in either
 * language), `/persona <text>` sets the chat's own text (up to PERSONA_MAX_LENGTH), `/persona reset`
 * goes back to none. Who may change it: in a private chat its user; in a group only the group's
 * administrators (Telegram's getChatMember says creator or administrator) — a member's attempt changes
 * nothing. Anyone in the chat may see it.
 */
import { LOCALES, PERSONA_MAX_LENGTH, PERSONA_PRESETS, type PersonaPreset } from "@notesbot/shared/domain";
import type { Localizer } from "@notesbot/shared/texts";
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { characterCount, hasUnstorableCharacters } from "../arguments.js";
import type { Persona, PersonaRepository } from "./repository.js";

export function createPersonaComposer(deps: {
  personas: PersonaRepository;
  localizer: Localizer;
}): Composer<BotContext> {
  const { personas } = deps;
  // A preset by its id or its name in any language, case-insensitive.
  const presets = new Map<string, PersonaPreset>();
  for (const preset of PERSONA_PRESETS) {
    presets.set(preset, preset);
    for (const locale of LOCALES) {
      presets.set(deps.localizer.of(locale).persona.presetName(preset).toLowerCase(), preset);
    }
  }

  /** In a group, only its administrators may change the persona; in a private chat, its user. */
  const mayChange = async (ctx: BotContext, userId: number): Promise<boolean> => {
    if (ctx.chat?.type === "private") return true;
    const member = await ctx.getChatMember(userId);
    return member.status === "creator" || member.status === "administrator";
  };

  const composer = new Composer<BotContext>();
  composer.command("persona", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const chatId = ctx.chat.id;
    const t = ctx.texts.persona;
    const raw = ctx.match.trim();

    if (raw === "") {
      const current = await personas.of(chatId);
      const shown =
        current === undefined
          ? t.none
          : "preset" in current
            ? t.currentPreset(current.preset)
            : t.currentText(current.text);
      return void (await ctx.reply(`${shown}\n\n${t.usage}`));
    }

    // What the argument asks for, or the reply that refuses it.
    let wanted: { persona: Persona | undefined; reply: string };
    const preset = presets.get(raw.toLowerCase());
    if (raw.toLowerCase() === "reset") wanted = { persona: undefined, reply: t.reset };
    else if (preset !== undefined) wanted = { persona: { preset }, reply: t.setPreset(preset) };
    else if (hasUnstorableCharacters(raw)) return void (await ctx.reply(t.unstorable));
    else if (characterCount(raw) > PERSONA_MAX_LENGTH)
      return void (await ctx.reply(t.tooLong(characterCount(raw))));
    else wanted = { persona: { text: raw }, reply: t.setText(characterCount(raw)) };

    if (!(await mayChange(ctx, userId))) return void (await ctx.reply(t.adminsOnly));
    await ctx.once("persona", async (tx) => {
      await personas.set(chatId, wanted.persona, tx);
      return null;
    });
    await ctx.reply(wanted.reply);
  });
  return composer;
}
