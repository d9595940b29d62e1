import type { ConversationStore } from "@notesbot/shared/conversations";
import type { Logger } from "@notesbot/shared/logging";
import type { AskJob, AskProgress, UserAsks } from "@notesbot/shared/queue";
import {
  escapeHtml,
  htmlToPlainText,
  markdownToTelegramHtml,
  splitTelegramHtml,
} from "@notesbot/shared/telegram";
import type { Texts } from "@notesbot/shared/texts";
import type { Job } from "bullmq";
import type { Api } from "grammy";
import type { Ending } from "./outcome.js";
import { type ChatMessages, classifyTelegramFailure, createChatMessages, isParseError } from "./telegram.js";

/**
 * The delivery stage: renders an answer, records it on the job, remembers the turn and puts it into
 * the chat in place of the placeholder (and of the preview's messages); or puts a final status text
 * there. Progress on the job makes every step safe to run again: a re-run resumes where the last run
 * stopped. Telegram refusing the chat ends the ask quietly; Telegram or PostgreSQL failing for now
 * throws a TryLaterError, and the job runs again later.
 */
export function createDelivery(deps: DeliveryDeps) {
  const { texts, logger, userAsks } = deps;

  /** Runs Bot API calls; the chat refusing them, or Telegram refusing the request, ends the ask. */
  const telegram = async (work: () => Promise<void>, ending: Ending): Promise<Ending> => {
    try {
      await work();
      return ending;
    } catch (error) {
      const failure = classifyTelegramFailure(error);
      if (failure === undefined) throw error;
      if (failure.kind === "transient") throw new TryLaterError(failure.delayMs, `telegram ${failure.code}`);
      const outcome = failure.kind === "undeliverable" ? "undeliverable" : "error";
      return { ...ending, outcome, telegramCode: failure.code, failure: ending.failure ?? "telegram" };
    }
  };

  const remember = async (job: Job<AskJob>, ask: AskJob, answer: string): Promise<boolean> => {
    try {
      await deps.conversations.append(ask.chatId, ask.question, answer, job.id);
      return true;
    } catch (error) {
      logger.warn({ jobId: job.id, code: (error as { code?: string }).code }, "turn not remembered yet");
      return false;
    }
  };

  /**
   * Puts parts from `progress.sent` on into the chat, then removes preview messages not needed. An
   * edit is safe to repeat (a re-run finds the text already shown), so only a part that went out as
   * a new message is recorded, with its id, so that a re-run edits it instead of sending it again.
   */
  const sendParts = async (job: Job<AskJob>, messages: ChatMessages, start: AskProgress) => {
    let progress = start;
    for (let index = progress.sent; index < progress.parts.length; index++) {
      const html = progress.parts[index] as string;
      const messageId = progress.messageIds[index];
      const put = (text: string, asHtml: boolean) =>
        messageId === undefined ? messages.send(text, asHtml) : messages.edit(messageId, text, asHtml);
      let shownIn: number;
      try {
        shownIn = await put(html, true);
      } catch (error) {
        if (!isParseError(error)) throw error;
        shownIn = await put(htmlToPlainText(html), false);
      }
      if (shownIn === messageId) continue;
      const messageIds = [...progress.messageIds];
      messageIds[index] = shownIn;
      progress = { ...progress, messageIds, sent: index + 1 };
      await job.updateProgress(progress);
    }
    await messages.remove(progress.messageIds.slice(progress.parts.length));
  };

  /** Delivers recorded progress: remembers the turn if not yet, sends what is left, remembers after. */
  const resume = async (job: Job<AskJob>, ask: AskJob, recorded: AskProgress, modelKey: string) => {
    let progress = recorded;
    if (
      !progress.remembered &&
      progress.answer !== undefined &&
      (await remember(job, ask, progress.answer))
    ) {
      progress = { ...progress, remembered: true };
    }
    const messages = deps.messages(ask.chatId);
    const ending = await telegram(() => sendParts(job, messages, progress), { outcome: "ok", modelKey });
    if (!progress.remembered && progress.answer !== undefined && ending.outcome === "ok") {
      // The user has the answer; its turn waits for PostgreSQL (the job runs again for it alone).
      if (!(await remember(job, ask, progress.answer))) {
        await job.updateProgress({ ...progress, sent: progress.parts.length });
        throw new TryLaterError(2_000, "memory");
      }
      await job.updateProgress({ ...progress, sent: progress.parts.length, remembered: true });
    }
    return ending;
  };

  /** Puts a final status text in the placeholder (a failure, a cancellation) and removes the preview's other messages. */
  const text = async (
    job: Job<AskJob>,
    ask: AskJob,
    status: string,
    messageIds: readonly number[],
    ending: Ending,
  ): Promise<Ending> => {
    const { cancelled } = await userAsks.finish(ask.userId, job.id as string);
    const shown = cancelled ? texts.ask.cancelled : status;
    const messages = deps.messages(ask.chatId);
    return telegram(
      async () => {
        await messages.edit(ask.placeholderMessageId, shown);
        await messages.remove(messageIds.filter((id) => id !== ask.placeholderMessageId));
      },
      cancelled ? { outcome: "cancelled", modelKey: ending.modelKey } : ending,
    );
  };

  return {
    resume,
    text,

    /** Renders the answer in place of the preview; a /cancel that came meanwhile wins. */
    async answer(
      job: Job<AskJob>,
      ask: AskJob,
      answer: { content: string; modelKey: string; interrupted?: string },
      messageIds: number[],
    ): Promise<Ending> {
      // No longer pending from here on: a /cancel sent once the answer shows finds nothing left to cancel.
      if ((await userAsks.finish(ask.userId, job.id as string)).cancelled)
        return this.text(job, ask, texts.ask.cancelled, messageIds, {
          outcome: "cancelled",
          modelKey: ask.modelKey,
        });
      const content =
        answer.interrupted === undefined
          ? answer.content
          : `${answer.content.trimEnd()}\n\n${texts.ask.interrupted(answer.interrupted)}`;
      const footer = texts.ask.footer(Date.now() - ask.enqueuedAt, answer.modelKey);
      const progress: AskProgress = {
        parts: splitTelegramHtml(`${markdownToTelegramHtml(content)}\n\n<i>${escapeHtml(footer)}</i>`),
        messageIds,
        sent: 0,
        answer: content,
        remembered: false,
      };
      await job.updateProgress(progress);
      const ending = await resume(job, ask, progress, answer.modelKey);
      return answer.interrupted === undefined || ending.outcome !== "ok"
        ? ending
        : { ...ending, outcome: "error", failure: "interrupted" };
    },

    /** A status line in the placeholder while the ask goes on (queued, retrying); failures are not fatal. */
    async status(ask: AskJob, text: string): Promise<void> {
      await deps
        .messages(ask.chatId)
        .edit(ask.placeholderMessageId, text)
        .catch((error: unknown) => {
          if (classifyTelegramFailure(error) === undefined) throw error;
        });
    },
  };
}

/** Thrown when Telegram or PostgreSQL failed for now: the job runs again after `delayMs`. */
export class TryLaterError extends Error {
  override name = "TryLaterError";
  constructor(
    readonly delayMs: number,
    readonly reason: string,
  ) {
    super(`try again in ${delayMs} ms: ${reason}`);
  }
}

export interface DeliveryDeps {
  messages: (chatId: number) => ChatMessages;
  conversations: ConversationStore;
  userAsks: UserAsks;
  texts: Texts;
  logger: Logger;
}

/** The chat messages of the worker's bot. */
export const chatMessagesOf = (api: Api) => (chatId: number) => createChatMessages(api, chatId);

export type Delivery = ReturnType<typeof createDelivery>;
