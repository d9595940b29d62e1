import { type Api, GrammyError, HttpError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";

/**
 * The worker's one way to put text into a chat: sending and editing messages, with the Bot API's
 * answers sorted into what they mean for an ask (already shown, gone, undeliverable, try later), and
 * the fields of a Bot API error that may be logged (never its payload, which carries the user's text).
 */

/** What a failed Bot API call means for the ask. */
export type TelegramFailure =
  /** The chat cannot get messages from the bot: blocked, kicked, deleted. Nothing more to do. */
  | { kind: "undeliverable"; code: number }
  /** Telegram or the network failed for now: worth another try after `delayMs`. */
  | { kind: "transient"; code: number | "network"; delayMs: number }
  /** Anything else: a request Telegram will refuse again. */
  | { kind: "refused"; code: number };

const description = (error: unknown) => (error instanceof GrammyError ? error.description : "");
const isNotModified = (error: unknown) => /message is not modified/i.test(description(error));
const isGone = (error: unknown) =>
  /message to edit not found|message can't be edited/i.test(description(error));
export const isParseError = (error: unknown) => /can't parse entities/i.test(description(error));

const UNDELIVERABLE =
  /chat not found|bot was blocked|bot was kicked|user is deactivated|not enough rights|have no rights|PEER_ID_INVALID|CHAT_WRITE_FORBIDDEN/i;

/** A failure that is not a Bot API error at all (a bug) is not Telegram's: undefined. */
export function classifyTelegramFailure(error: unknown): TelegramFailure | undefined {
  if (error instanceof HttpError) return { kind: "transient", code: "network", delayMs: 2_000 };
  if (!(error instanceof GrammyError)) return undefined;
  const code = error.error_code;
  if (code === 403 || (code === 400 && UNDELIVERABLE.test(error.description)))
    return { kind: "undeliverable", code };
  if (code === 429) return { kind: "transient", code, delayMs: (error.parameters.retry_after ?? 1) * 1000 };
  if (code >= 500) return { kind: "transient", code, delayMs: 2_000 };
  return { kind: "refused", code };
}

/** What a log line may say about a Bot API error: the method, the code and Telegram's description. */
export function telegramErrorFields(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError)
    return { method: error.method, code: error.error_code, description: error.description };
  if (error instanceof HttpError) return { code: "network", message: error.message };
  return { err: error };
}

/** Where an ask's messages go: its chat, and in a forum the question's topic. */
export interface ChatTarget {
  chatId: number;
  threadId?: number | undefined;
}

/**
 * Groups that became supergroups while this worker wrote to them: the new chat, and the bot's messages
 * sent there since (the others are the old chat's: not edited in the new one, where ids mean others).
 */
export type ChatMoves = Map<number, { to: number; sent: Set<number> }>;

/** The supergroup a group became, from Telegram's 400 "group chat was upgraded to a supergroup chat". */
const migratedTo = (error: unknown): number | undefined =>
  error instanceof GrammyError ? error.parameters.migrate_to_chat_id : undefined;

/**
 * Sends and edits the bot's messages in one chat (link previews off; HTML and an inline keyboard when
 * asked). A new message goes to the target's forum topic, never to General. A group upgraded to a
 * supergroup gets the rest in the new chat: learnt from Telegram's answer, remembered in `moves`, and
 * told to `onMoved` once per chat (its memory follows).
 */
export function createChatMessages(
  api: Api,
  { chatId: asked, threadId }: ChatTarget,
  moves: ChatMoves = new Map(),
  onMoved: (fromChatId: number, toChatId: number) => void = () => {},
) {
  const topic = threadId === undefined ? {} : { message_thread_id: threadId };
  const chatId = () => moves.get(asked)?.to ?? asked;
  /** Whether the message is in the chat written to now (not left behind in an upgraded group). */
  const here = (messageId: number) => moves.get(asked)?.sent.has(messageId) ?? true;
  /** Learns an upgrade from `error`; false when it is not one (or the new chat refused too). */
  const moved = (error: unknown): boolean => {
    const to = migratedTo(error);
    if (to === undefined || to === chatId()) return false;
    moves.set(asked, { to, sent: new Set() });
    onMoved(asked, to);
    return true;
  };
  // An edit without reply_markup removes a message's keyboard, so an edit passes it every time.
  const options = (html: boolean, markup: InlineKeyboardMarkup | undefined) => ({
    ...(html ? { parse_mode: "HTML" as const } : {}),
    ...(markup ? { reply_markup: markup } : {}),
    link_preview_options: { is_disabled: true },
  });

  const send = async (text: string, html = false, markup?: InlineKeyboardMarkup): Promise<number> => {
    try {
      const moveTo = moves.get(asked);
      // A group's topic does not survive the upgrade (basic groups have none).
      const where = moveTo === undefined ? topic : {};
      const { message_id } = await api.sendMessage(chatId(), text, { ...where, ...options(html, markup) });
      moveTo?.sent.add(message_id);
      return message_id;
    } catch (error) {
      if (moved(error)) return send(text, html, markup);
      throw error;
    }
  };

  return {
    send,
    /**
     * Edits a message. Text it already shows is fine (a re-run after a crash); a message the user
     * deleted, or one left in a group upgraded to a supergroup, is replaced by a new one, whose id is
     * returned.
     */
    async edit(
      messageId: number,
      text: string,
      html = false,
      markup?: InlineKeyboardMarkup,
    ): Promise<number> {
      if (!here(messageId)) return send(text, html, markup);
      try {
        await api.editMessageText(chatId(), messageId, text, options(html, markup));
        return messageId;
      } catch (error) {
        if (isNotModified(error)) return messageId;
        if (isGone(error) || moved(error)) return send(text, html, markup);
        throw error;
      }
    },
    /** Removes messages (preview messages the answer did not need); one that is gone already is fine. */
    async remove(messageIds: readonly number[]): Promise<void> {
      for (const messageId of messageIds) {
        if (!here(messageId)) continue;
        await api.deleteMessage(chatId(), messageId).catch((error: unknown) => {
          if (moved(error)) return;
          if (classifyTelegramFailure(error)?.kind === "transient") throw error;
        });
      }
    },
    /** A message draft (private chats, where Telegram offers drafts to the bot). */
    draft: (draftId: number, text: string) => api.sendMessageDraft(asked, draftId, text, topic),
  };
}

export type ChatMessages = ReturnType<typeof createChatMessages>;
