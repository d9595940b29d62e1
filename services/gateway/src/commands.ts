import type { Texts } from "@notesbot/shared/texts";
import type { BotCommand } from "grammy/types";

/** The command menu registered with setMyCommands; the same commands /help describes. */
export function botCommands(texts: Texts): BotCommand[] {
  return Object.entries(texts.commandDescriptions).map(([command, description]) => ({
    command,
    description,
  }));
}
