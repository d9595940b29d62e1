import type { ConversationStore } from "@notesbot/shared/conversations";
import type { Logger } from "@notesbot/shared/logging";
import {
  type AskJob,
  type AskProgress,
  askProgressSchema,
  rememberedQuestion,
  saveCallbackData,
  type UserAsks,
} from "@notesbot/shared/queue";
import {
  escapeHtml,
  htmlToPlainText,
  markdownToTelegramHtml,
  splitTelegramHtml,
} from "@notesbot/shared/telegram";
import type { Localizer, Texts } from "@notesbot/shared/texts";
import type { Job } from "bullmq";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import {
  type ChatMessages,
  type ChatMoves,
  type ChatTarget,
  classifyTelegramFailure,
  createChatMessages,
  isParseError,
} from "../chat-messages.js";
import type { Ending } from "./outcome.js";

/** How long an answer waits for its turn to be remembered before it is shown anyway. */
const REMEMBER_FIRST_MS = 1_000;

/**
 * The delivery stage: renders an answer (or a final status text), records it on the job, remembers the
 * turn and puts it into the chat in place of the placeholder and the preview's messages. What is
 * recorded makes every step safe to run again: a re-run resumes where the last run stopped, and never
 * asks the model again. Telegram refusing the chat ends the ask quietly; Telegram or PostgreSQL failing
 * for now makes it "deferred", and the job runs again later.
 */
export function createDelivery(deps: DeliveryDeps) {
  const { localizer, logger, userAsks } = deps;

  /** The turn into the memory: a question about a medium with its marker (`[image] …`), never the file. */
  const remember = async (job: Job<AskJob>, ask: AskJob, progress: AskProgress, answer: string) => {
    const question = progress.question ?? rememberedQuestion(ask);
    try {
      await deps.conversations.append(ask.chatId, question, answer, job.id, ask.enqueuedAt);
      return true;
    } catch (error) {
      logger.warn({ jobId: job.id, code: (error as { code?: string }).code }, "turn not remembered yet");
      return false;
    }
  };

  /** `remember`, or false once `withinMs` have passed without an answer from PostgreSQL (it may still land). */
  const rememberWithin = async (
    job: Job<AskJob>,
    ask: AskJob,
    progress: AskProgress,
    answer: string,
    withinMs: number,
  ) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), withinMs);
    });
    try {
      return await Promise.race([remember(job, ask, progress, answer), late]);
    } finally {
      clearTimeout(timer);
    }
  };

  /**
   * Delivers recorded progress: remembers the turn (waiting at most REMEMBER_FIRST_MS, so that a
   * follow-up sent the moment the answer shows finds it in memory), sends what is left, remembers the
   * turn then if it was not yet, and reports how it ended. PostgreSQL slow or unreachable holds the
   * answer up by that second at most.
   */
  const resume = async (job: Job<AskJob>, ask: AskJob, recorded: AskProgress): Promise<Delivered> => {
    let progress = recorded;
    if (!progress.remembered && progress.answer !== undefined && progress.sent === 0) {
      if (await rememberWithin(job, ask, progress, progress.answer, REMEMBER_FIRST_MS))
        progress = { ...progress, remembered: true };
    }
    const ending: Ending = {
      outcome: progress.outcome,
      modelKey: progress.modelKey ?? ask.modelKey,
      ...(progress.failure === undefined ? {} : { failure: progress.failure }),
    };

    try {
      progress = await sendParts(job, deps.messages(ask), progress);
    } catch (error) {
      const failure = classifyTelegramFailure(error);
      if (failure === undefined) throw error;
      if (failure.kind === "transient")
        return { kind: "deferred", delayMs: failure.delayMs, reason: `telegram ${failure.code}` };
      const outcome = failure.kind === "undeliverable" ? "undeliverable" : "error";
      const failed = { outcome, telegramCode: failure.code, failure: ending.failure ?? "telegram" } as const;
      return { kind: "ended", ending: { ...ending, ...failed } };
    }

    if (!progress.remembered && progress.answer !== undefined) {
      // The user has the answer; its turn waits for PostgreSQL (the job runs again for it alone).
      if (!(await remember(job, ask, progress, progress.answer))) {
        await job.updateProgress(progress);
        return { kind: "deferred", delayMs: 2_000, reason: "memory", ending };
      }
    }
    return { kind: "ended", ending };
  };

  /** Records what the chat is to show (no longer pending: a later /cancel finds nothing), then delivers it. */
  const deliver = async (job: Job<AskJob>, ask: AskJob, progress: AskProgress): Promise<Delivered> => {
    await job.updateProgress(progress);
    return resume(job, ask, progress);
  };

  /**
   * A final text that is no model's answer — a failure, a cancellation, a voice message saved as a note
   * ("ok") — in the placeholder, remembered by no memory; the preview's other messages go.
   */
  const end = async (
    job: Job<AskJob>,
    ask: AskJob,
    text: string,
    messageIds: readonly number[],
    ending: { outcome: "ok" | "error" | "cancelled"; failure?: string },
  ): Promise<Delivered> => {
    const { cancelled } = await userAsks.finish(ask.userId, job.id as string);
    const texts = localizer.of(ask.locale);
    const ids = [ask.placeholderMessageId, ...messageIds.filter((id) => id !== ask.placeholderMessageId)];
    return deliver(
      job,
      ask,
      askProgressSchema.parse({
        parts: [escapeHtml(cancelled ? texts.ask.cancelled : text)],
        messageIds: ids,
        sent: 0,
        remembered: true,
        modelKey: ask.modelKey,
        ...(cancelled ? { outcome: "cancelled" } : ending),
      }),
    );
  };

  return {
    resume,
    end,

    /** Renders the answer in place of the preview; a /cancel that came meanwhile wins. */
    async answer(job: Job<AskJob>, ask: AskJob, answer: Answer, messageIds: number[]): Promise<Delivered> {
      const texts = localizer.of(ask.locale);
      const progress = rendered(texts, ask, answer, messageIds);
      // No longer pending and the progress recorded, in one round trip; a /cancel that came first wins.
      const jobKey = `${job.queueQualifiedName}:${job.id}`;
      if ((await userAsks.finish(ask.userId, job.id as string, { jobKey, progress })).cancelled)
        return end(job, ask, texts.ask.cancelled, messageIds, { outcome: "cancelled" });
      job.progress = progress; // as BullMQ's updateProgress leaves it
      return resume(job, ask, progress);
    },

    /** A status line in the placeholder while the ask goes on (queued, retrying); failures are not fatal. */
    async status(ask: AskJob, text: string): Promise<void> {
      await deps
        .messages(ask)
        .edit(ask.placeholderMessageId, text)
        .catch((error: unknown) => {
          if (classifyTelegramFailure(error) === undefined) throw error;
        });
    },
  };
}

/**
 * Puts parts from `progress.sent` on into the chat, then removes preview messages not needed. An
 * edit is safe to repeat (a re-run finds the text already shown), so only a part that went out as
 * a new message is recorded, with its id, so that a re-run edits it instead of sending it again.
 */
async function sendParts(job: Job<AskJob>, messages: ChatMessages, start: AskProgress): Promise<AskProgress> {
  let progress = start;
  const button = saveButton(job, progress);
  for (let index = progress.sent; index < progress.parts.length; index++) {
    const html = progress.parts[index] as string;
    const messageId = progress.messageIds[index];
    const markup = index === progress.parts.length - 1 ? button : undefined;
    const put = (text: string, asHtml: boolean) =>
      messageId === undefined
        ? messages.send(text, asHtml, markup)
        : messages.edit(messageId, text, asHtml, markup);
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
  return { ...progress, sent: progress.parts.length };
}

/** A model's answer as the delivery takes it. */
interface Answer {
  content: string;
  modelKey: string;
  notesSent: number;
  interrupted?: string;
  cut?: string;
  /** Shown above the answer, not part of it (a voice message's transcript). */
  lead?: string;
  /** The question as remembered and saved, when the job's own is not it (a voice message's transcript). */
  question?: string;
}

/**
 * What the chat is to show for an answer, and what the job keeps of it: the answer rendered to
 * Telegram's HTML with its footer, in parts of Telegram's size, in place of the preview's messages.
 */
function rendered(texts: Texts, ask: AskJob, answer: Answer, messageIds: number[]): AskProgress {
  // A text that is not whole says so where it ends: shown, stored on the job and remembered that way.
  const note = answer.interrupted === undefined ? answer.cut : texts.ask.interrupted(answer.interrupted);
  const content = note === undefined ? answer.content : `${answer.content.trimEnd()}\n\n${note}`;
  const latencyMs = Date.now() - ask.enqueuedAt;
  const footer =
    ask.kind === "digest"
      ? texts.ask.digestFooter(
          latencyMs,
          answer.modelKey,
          answer.notesSent,
          ask.digest?.total ?? answer.notesSent,
        )
      : texts.ask.footer(latencyMs, answer.modelKey);
  // A complete answer to a question (with memory or from notes) may be saved as a note; a digest,
  // made of the notes themselves, and a broken-off or cut answer may not.
  const savable = note === undefined && ask.kind !== "digest";
  const lead = answer.lead === undefined ? "" : `${escapeHtml(answer.lead)}\n\n`;
  return {
    parts: splitTelegramHtml(`${lead}${markdownToTelegramHtml(content)}\n\n<i>${escapeHtml(footer)}</i>`),
    messageIds,
    sent: 0,
    // Kept after delivery (the job is kept a day): the save button's note is question and answer.
    answer: content,
    // Only questions with memory add to it: a question about notes or a digest is a turn of its own.
    remembered: ask.kind !== "ask",
    modelKey: answer.modelKey,
    ...(answer.question === undefined ? {} : { question: answer.question }),
    ...(savable ? { saveButton: texts.ask.saveButton } : {}),
    ...(answer.interrupted === undefined
      ? { outcome: "ok" as const }
      : { outcome: "error" as const, failure: "interrupted" }),
  };
}

/** The "save as note" button under an answer's last part, when the progress has one. */
function saveButton(job: Job<AskJob>, progress: AskProgress): InlineKeyboardMarkup | undefined {
  const data = saveCallbackData(job.id as string);
  if (progress.saveButton === undefined || data === undefined) return undefined;
  return { inline_keyboard: [[{ text: progress.saveButton, callback_data: data }]] };
}

/**
 * How a delivery went: the ask ended, or Telegram or PostgreSQL failed for now and the delivery is to
 * run again after `delayMs`, no attempt used; `ending` is then how the ask ended if it is given up on
 * now (the user may have the answer already).
 */
export type Delivered =
  | { kind: "ended"; ending: Ending }
  | { kind: "deferred"; delayMs: number; reason: string; ending?: Ending };

export interface DeliveryDeps {
  messages: (target: ChatTarget) => ChatMessages;
  conversations: ConversationStore;
  userAsks: UserAsks;
  localizer: Localizer;
  logger: Logger;
}

/** The chat messages of the worker's bot; `onMoved` learns of a group upgraded to a supergroup. */
export const chatMessagesOf =
  (api: Api, moves: ChatMoves, onMoved: (fromChatId: number, toChatId: number) => void) =>
  (target: ChatTarget) =>
    createChatMessages(api, target, moves, onMoved);

export type Delivery = ReturnType<typeof createDelivery>;
