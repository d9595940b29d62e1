import type { ConversationStore } from "@notesbot/shared/conversations";
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import type { PersonaRepository } from "../persona/repository.js";

/**
 * A group upgraded to a supergroup: Telegram tells both chats (`migrate_to_chat_id` in the old one,
 * `migrate_from_chat_id` in the new one), and either moves the chat's memory and persona to the new
 * id, once per update; asks still pending under the old id find it there (the worker answers them in the new chat).
 * Whoever upgraded the group, the move is the chat's: it happens before the access check.
 */
export function createMigrationComposer(
  conversations: ConversationStore,
  personas: PersonaRepository,
): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const move = (ctx: BotContext, fromChatId: number, toChatId: number) =>
    ctx.once("chat-moved", async (tx) => {
      await conversations.moveChat(fromChatId, toChatId, tx);
      await personas.moveChat(fromChatId, toChatId, tx);
      return toChatId;
    });
  composer.on("message:migrate_to_chat_id", (ctx) => move(ctx, ctx.chat.id, ctx.msg.migrate_to_chat_id));
  composer.on("message:migrate_from_chat_id", (ctx) => move(ctx, ctx.msg.migrate_from_chat_id, ctx.chat.id));
  return composer;
}
