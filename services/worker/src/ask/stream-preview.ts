import type { Logger } from "@notesbot/shared/logging";
import { type Api, GrammyError } from "grammy";

/**
 * Whether Telegram accepts sendMessageDraft for this bot: unknown until tried, then remembered by the
 * worker (drafts need a bot and chat that support them; everywhere else edits are used).
 */
export interface DraftSupport {
  available: boolean | undefined;
}

export interface StreamPreviewOptions {
  api: Api;
  chatId: number;
  placeholderMessageId: number;
  /** Private chats stream through drafts where Telegram offers them; omitted: edits only. */
  drafts?: DraftSupport;
  /** At most one edit per this interval (Telegram allows about one a second per chat, less in groups). */
  intervalMs: number;
  logger: Logger;
  /** Characters per preview message before the stream continues in a new one. */
  limit?: number;
}

const CURSOR = " ▌";

/**
 * Shows a streamed answer growing — in a private chat as a message draft where Telegram offers drafts,
 * otherwise by editing the placeholder with the text so far, at most once per
 * interval and one edit at a time, so a slow or rate-limited edit (auto-retry waits out 429) never
 * loses text — the next edit shows everything received. Past `limit` characters the text continues in
 * a new message. The preview is plain text; the final answer, with its formatting, replaces it.
 */
export function createStreamPreview(options: StreamPreviewOptions) {
  const { api, chatId, intervalMs, logger } = options;
  const limit = options.limit ?? 4000;
  const messageIds = [options.placeholderMessageId];
  const starts = [0];
  let text = "";
  let edits = 0;
  let lastEditAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const edit = async (messageId: number, shown: string) => {
    try {
      await api.editMessageText(chatId, messageId, shown, { link_preview_options: { is_disabled: true } });
      edits++;
    } catch (error) {
      if (error instanceof GrammyError && /message is not modified/i.test(error.description)) return;
      logger.warn({ err: error }, "stream preview edit failed"); // the final answer still goes out
    }
  };

  /** Where to end a full preview message: the last line break or space before the limit. */
  const cutAt = (start: number) => {
    const window = text.slice(start, start + limit);
    const boundary = Math.max(window.lastIndexOf("\n"), window.lastIndexOf(" "));
    return start + (boundary > limit / 2 ? boundary + 1 : limit);
  };

  let shownLength = 0;
  /** A draft of the tail of the text so far (drafts are ephemeral; the final answer replaces them). */
  const draft = async (): Promise<boolean> => {
    const drafts = options.drafts;
    if (chatId <= 0 || drafts === undefined || drafts.available === false) return false;
    try {
      await api.sendMessageDraft(chatId, options.placeholderMessageId, text.slice(-limit));
      drafts.available = true;
      edits++;
      return true;
    } catch (error) {
      if (!(error instanceof GrammyError) || drafts.available === true) throw error;
      drafts.available = false;
      logger.info({ description: error.description }, "message drafts unavailable; streaming by edits");
      return false;
    }
  };

  const render = async () => {
    shownLength = text.length;
    const drafted = await draft().catch((error: unknown) => {
      logger.warn({ err: error }, "stream draft failed"); // this frame goes out as an edit instead
      return false;
    });
    if (drafted) return;
    while (text.length - (starts.at(-1) ?? 0) > limit) {
      const start = starts.at(-1) ?? 0;
      const end = cutAt(start);
      await edit(messageIds.at(-1) as number, text.slice(start, end));
      starts.push(end);
      const next = await api.sendMessage(chatId, `${text.slice(end, end + limit)}${CURSOR}`);
      messageIds.push(next.message_id);
    }
    await edit(messageIds.at(-1) as number, `${text.slice(starts.at(-1) ?? 0)}${CURSOR}`);
  };

  const schedule = () => {
    if (stopped || timer || running) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        running = render().finally(() => {
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
    /** Stops previewing; resolves once the edit under way (if any) is done. */
    async stop(): Promise<{ messageIds: number[]; edits: number }> {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
      return { messageIds: [...messageIds], edits };
    },
  };
}

export type StreamPreview = ReturnType<typeof createStreamPreview>;
