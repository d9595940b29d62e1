/**
 * Whether a message in a group is for the bot: a command (for no bot in particular, or for this one),
 * a mention of the bot, or a reply to one of the bot's answers. An answer is known by its "📝" button:
 * Telegram delivers the replied-to message with its inline keyboard (`reply_to_message.reply_markup`),
 * and only answers carry the save callback. A reply to any other message of the bot (a /note_list, a
 * refusal, a placeholder) is group chatter.
 */
import { jobIdOfSaveCallback } from "@notesbot/shared/queue";
import type { Message, UserFromGetMe } from "grammy/types";

type Me = Pick<UserFromGetMe, "id" | "username">;

/** Whether `message` is one of the bot's answers (its last part, the one with the save button). */
export function isBotAnswer(message: Message | undefined, me: Me): boolean {
  if (message?.from?.id !== me.id) return false;
  return (
    message.reply_markup?.inline_keyboard.some((row) =>
      row.some(
        (button) => "callback_data" in button && jobIdOfSaveCallback(button.callback_data) !== undefined,
      ),
    ) ?? false
  );
}

/** The text without its mentions of the bot, when it mentions the bot; undefined when it does not. */
export function withoutMentionOf(me: Me, message: Pick<Message, "text" | "entities">): string | undefined {
  const text = message.text ?? "";
  const mentions = (message.entities ?? []).filter(
    (e) =>
      e.type === "mention" &&
      text.slice(e.offset + 1, e.offset + e.length).toLowerCase() === me.username.toLowerCase(),
  );
  if (mentions.length === 0) return undefined;
  let rest = text;
  for (const mention of [...mentions].reverse()) {
    rest = `${rest.slice(0, mention.offset)}${rest.slice(mention.offset + mention.length).replace(/^\s/, "")}`;
  }
  return rest.trim();
}

/** Whether the message starts with a command that names no bot or names this one. */
function isCommandFor(me: Me, message: Pick<Message, "text" | "entities">): boolean {
  const command = message.entities?.find((e) => e.type === "bot_command" && e.offset === 0);
  if (command === undefined) return false;
  const [, bot] = (message.text ?? "").slice(0, command.length).split("@");
  return bot === undefined || bot.toLowerCase() === me.username.toLowerCase();
}

/**
 * Whether a message would be for the bot to answer: anything in a private chat; in groups, see above —
 * in its text, or in the caption of a photo, voice message or document.
 */
export function isAddressedTo(me: Me, message: Message): boolean {
  const caption = { text: message.caption ?? "", entities: message.caption_entities ?? [] };
  return (
    message.chat.type === "private" ||
    isCommandFor(me, message) ||
    isCommandFor(me, caption) ||
    withoutMentionOf(me, message) !== undefined ||
    withoutMentionOf(me, caption) !== undefined ||
    isBotAnswer(message.reply_to_message, me)
  );
}
