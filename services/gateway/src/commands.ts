import { RUSSIAN_SPEAKING } from "@notesbot/shared/domain";
import type { Localizer, Texts } from "@notesbot/shared/texts";
import type { Api } from "grammy";
import type { BotCommand, LanguageCode } from "grammy/types";

/** The command menu registered with setMyCommands; the same commands /help describes. */
export function botCommands(texts: Texts): BotCommand[] {
  return Object.entries(texts.commandDescriptions).map(([command, description]) => ({
    command,
    description,
  }));
}

/**
 * Registers the command menu per language, as the bot speaks: Russian for the languages that get
 * Russian, English for every other (the default menu, and "en" itself).
 */
export async function registerCommandMenus(api: Api, localizer: Localizer): Promise<void> {
  const english = botCommands(localizer.of("en"));
  const russian = botCommands(localizer.of("ru"));
  await api.setMyCommands(english);
  await api.setMyCommands(english, { language_code: "en" });
  for (const code of RUSSIAN_SPEAKING) {
    await api.setMyCommands(russian, { language_code: code as LanguageCode });
  }
}
