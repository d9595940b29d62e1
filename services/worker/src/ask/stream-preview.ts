import type { Logger } from "@notesbot/shared/logging";
import { cutBeforePair, TELEGRAM_MESSAGE_LIMIT } from "@notesbot/shared/telegram";
import { TelegramBudgetShort } from "@notesbot/shared/telegram-budget";
import { GrammyError } from "grammy";
import { type ChatMessages, classifyTelegramFailure, telegramErrorFields } from "../chat-messages.js";

/**
 * Whether Telegram accepts sendMessageDraft for this bot: unknown until tried, then remembered by the
 * worker (drafts need a bot that supports them; everywhere else edits are used). Only Telegram's answer
 * that the method is unavailable turns them off: one chat's refusal or flood wait is that chat's alone.
 */
export interface DraftSupport {
  available: boolean | undefined;
}

export interface StreamPreviewOptions {
  /** The preview's drafts and edits: spare calls of the Telegram budget (skipped when it is short). */
  messages: ChatMessages;
  /**
   * Opens the next message of a long answer: a first call of the budget, since the answer needs that
   * message anyway (the final answer edits it). Omitted: `messages`.
   */
  opener?: ChatMessages;
  chatId: number;
  /** Messages showing the preview, in order: the placeholder, then any a previous run opened (reused). */
  messageIds: readonly number[];
  /** Private chats stream through drafts where Telegram offers them; omitted: edits only. */
  drafts?: DraftSupport;
  /** At most one edit per this interval (Telegram allows about one a second per chat, less in groups). */
  intervalMs: number;
  logger: Logger;
  /** A new preview message was opened; resolves once it is recorded (a re-run reuses it). */
  onOpened: (messageIds: number[]) => Promise<void>;
  /** Telegram will not take messages for this chat (the user blocked the bot): the ask should end. */
  onUndeliverable: (code: number) => void;
}

const CURSOR = " ▌";
/** Characters of text per preview message, so that text and cursor fit one message. */
const PREVIEW_LIMIT = TELEGRAM_MESSAGE_LIMIT - CURSOR.length;

/** Telegram's answer that this bot cannot use sendMessageDraft at all (no such method for it). */
const isMethodUnavailable = (error: unknown): error is GrammyError =>
  error instanceof GrammyError &&
  (error.error_code === 404 || /method is not available|method not found/i.test(error.description));

/**
 * Shows a streamed answer growing — in a private chat as a message draft where Telegram offers drafts,
 * otherwise by editing the placeholder with the text so far, at most once per interval and one call at
 * a time, so a slow or rate-limited edit never loses text — the next edit shows everything received.
 * Its drafts and edits are the Telegram budget's spare calls: a frame the budget has no room for is
 * skipped.
 * Past one message's worth the text continues in a new message. The preview is plain text; the final
 * answer, with its formatting, replaces it. A failed call never escapes: it costs a frame, or (the
 * chat is gone) stops the preview and tells the ask.
 */
export function createStreamPreview(options: StreamPreviewOptions) {
  const { messages, chatId, intervalMs, logger } = options;
  const messageIds = [...options.messageIds];
  const starts = [0];
  let text = "";
  // In a private chat, once Telegram is known to take drafts, the first words go out as a draft as soon
  // as they come. Elsewhere the first preview waits one interval too (in a group, the group's pace): an
  // answer complete by then is sent once, with no preview edit. Later frames keep to the interval.
  const draftFirst = chatId > 0 && options.drafts?.available === true;
  let lastEditAt = draftFirst ? 0 : Date.now();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let shownLength = 0;
  /** Messages of this preview in use so far (the rest of `messageIds` are a previous run's, unused yet). */
  let used = 1;
  /** This chat refused a draft (not the method being unavailable): the rest of this preview is edits. */
  let draftsRefused = false;

  /**
   * Where to end a full preview message: the last line break or space before the limit, else the limit
   * (never between the two halves of an emoji, which Telegram would refuse).
   */
  const cutAt = (start: number) => {
    const window = text.slice(start, start + PREVIEW_LIMIT);
    const boundary = Math.max(window.lastIndexOf("\n"), window.lastIndexOf(" "));
    return boundary > PREVIEW_LIMIT / 2 ? start + boundary + 1 : cutBeforePair(text, start + PREVIEW_LIMIT);
  };

  /** A draft of the tail of the text so far (drafts are ephemeral; the final answer replaces them). */
  const draft = async (): Promise<boolean> => {
    const drafts = options.drafts;
    if (chatId <= 0 || drafts === undefined || drafts.available === false || draftsRefused) return false;
    try {
      // The tail that fits, starting after an emoji rather than in its middle.
      const start = Math.max(0, text.length - PREVIEW_LIMIT);
      const from = cutBeforePair(text, start) === start ? start : start + 1;
      await messages.draft(messageIds[0] as number, text.slice(from));
      drafts.available = true;
      return true;
    } catch (error) {
      if (isMethodUnavailable(error)) {
        drafts.available = false;
        logger.info({ code: error.error_code }, "message drafts unavailable; streaming by edits");
        return false;
      }
      // This chat refused a draft: its preview goes on by edits. A flood wait costs a frame;
      // an undeliverable chat stops the preview (renderSafely).
      if (classifyTelegramFailure(error)?.kind !== "refused") throw error;
      logger.info(
        { chatId, ...telegramErrorFields(error) },
        "message draft refused; this preview goes on by edits",
      );
      draftsRefused = true;
      return false;
    }
  };

  /** Puts `shown` into preview message `index`, opening it (or reusing a previous run's) if needed. */
  const show = async (index: number, shown: string) => {
    const existing = messageIds[index];
    const shownIn =
      existing === undefined
        ? await (options.opener ?? messages).send(shown)
        : await messages.edit(existing, shown);
    if (shownIn === existing) return;
    // A new message (or one in place of a message the user deleted): recorded, so a re-run finds it.
    messageIds[index] = shownIn;
    await options.onOpened([...messageIds]);
  };

  const render = async () => {
    shownLength = text.length;
    if (await draft()) return;
    while (text.length - (starts.at(-1) ?? 0) > PREVIEW_LIMIT) {
      const start = starts.at(-1) ?? 0;
      const end = cutAt(start);
      await show(used - 1, text.slice(start, end));
      starts.push(end);
      used++;
      await show(used - 1, `${text.slice(end, cutBeforePair(text, end + PREVIEW_LIMIT))}${CURSOR}`);
    }
    await show(used - 1, `${text.slice(starts.at(-1) ?? 0)}${CURSOR}`);
  };

  const renderSafely = async () => {
    try {
      await render();
    } catch (error) {
      // The Telegram budget had no room for a preview: this frame is skipped (counted), not queued.
      if (error instanceof TelegramBudgetShort) return;
      const failure = classifyTelegramFailure(error);
      if (failure?.kind === "undeliverable") {
        stopped = true;
        options.onUndeliverable(failure.code);
        return;
      }
      // This frame is lost; the next one (or the final answer) shows everything.
      logger.warn({ chatId, ...telegramErrorFields(error) }, "stream preview update failed");
    }
  };

  const schedule = () => {
    if (stopped || timer || running) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        running = renderSafely().finally(() => {
          running = undefined;
          lastEditAt = Date.now();
          if (text.length !== shownLength) schedule();
        });
      },
      Math.max(0, lastEditAt + intervalMs - Date.now()),
    );
  };

  return {
    push(delta: string): void {
      text += delta;
      schedule();
    },
    /** Stops previewing; resolves, once the call under way (if any) is done, with the preview's messages. */
    async stop(): Promise<number[]> {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
      return [...messageIds];
    },
  };
}
