import {
  escapeHtml,
  htmlToPlainText,
  markdownToTelegramHtml,
  splitTelegramHtml,
} from "@notesbot/shared/telegram";
import { type Api, GrammyError } from "grammy";

const description = (error: unknown) => (error instanceof GrammyError ? error.description : "");
const isNotModified = (error: unknown) => /message is not modified/i.test(description(error));
const isGone = (error: unknown) =>
  /message to edit not found|message can't be edited/i.test(description(error));
const isParseError = (error: unknown) => /can't parse entities/i.test(description(error));

/** The answer as Telegram HTML messages: the model's Markdown converted, then the footer, split at 4096. */
export function renderAnswer(answer: string, footer: string): string[] {
  return splitTelegramHtml(`${markdownToTelegramHtml(answer)}\n\n<i>${escapeHtml(footer)}</i>`);
}

/**
 * Edits and sends for one ask. Part i of an answer edits message `messageIds[i]` (the placeholder, and
 * the messages a streamed preview already opened) or, past those, goes out as a new message.
 */
export function createAskMessenger(api: Api, chatId: number, placeholderMessageId: number) {
  const send = async (text: string, html: boolean) => {
    await api.sendMessage(chatId, text, {
      ...(html ? { parse_mode: "HTML" as const } : {}),
      link_preview_options: { is_disabled: true },
    });
  };

  /** Edits a message; if the user deleted it, the text arrives as a new message instead. */
  const edit = async (messageId: number, text: string, html: boolean) => {
    try {
      await api.editMessageText(chatId, messageId, text, {
        ...(html ? { parse_mode: "HTML" as const } : {}),
        link_preview_options: { is_disabled: true },
      });
    } catch (error) {
      if (isNotModified(error)) return; // a re-run after a crash: the user already sees this text
      if (isGone(error)) return send(text, html);
      throw error;
    }
  };

  return {
    /** Replaces the placeholder with a status line (retrying, an error). */
    status: (text: string) => edit(placeholderMessageId, text, false),

    /** Part `index` of an answer; when Telegram rejects its formatting, the same text goes out plain. */
    async part(
      index: number,
      html: string,
      messageIds: readonly number[] = [placeholderMessageId],
    ): Promise<void> {
      const messageId = messageIds[index];
      const put = (text: string, asHtml: boolean) =>
        messageId === undefined ? send(text, asHtml) : edit(messageId, text, asHtml);
      try {
        await put(html, true);
      } catch (error) {
        if (!isParseError(error)) throw error;
        await put(htmlToPlainText(html), false);
      }
    },

    /** Removes preview messages the final answer did not need (it split differently). */
    async remove(messageIds: readonly number[]): Promise<void> {
      for (const messageId of messageIds) await api.deleteMessage(chatId, messageId).catch(() => {});
    },
  };
}
