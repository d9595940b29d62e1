import { z } from "zod";
import { LOCALES, PERSONA_MAX_LENGTH } from "../domain/index.js";

/**
 * The ask queue's contract between the gateway (producer) and the LLM workers (consumers), in one
 * place: the queue, the job and its progress, the job id and options, the backoff's name, and every Redis
 * key and channel the two sides share.
 */

/** The BullMQ queue between the gateway (producer) and the LLM workers (consumers). */
export const ASK_QUEUE = "ask";

/**
 * A photo, a voice message or audio file, or a document the question is about: Telegram's file id and
 * what Telegram said of the file — never its bytes, never its URL (which carries the bot token). The
 * worker downloads it (getFile, then the file) within the ask's deadline and MEDIA_MAX_BYTES.
 */
export const askMediaSchema = z.object({
  /** image: an `image_url` part; audio: transcribed first; text: read into the question; pdf: a `file` part. */
  kind: z.enum(["image", "audio", "text", "pdf"]),
  fileId: z.string().min(1).max(512),
  /** Bytes, when Telegram said. */
  size: z.number().int().min(0).optional(),
  mime: z.string().max(256).optional(),
  /** A document's name (shown to the model, and remembered as `[file name]`). */
  fileName: z.string().max(512).optional(),
  /** audio: the `input_audio` format (`ogg` for Telegram's voice). */
  format: z.string().max(16).optional(),
  /** audio: the models that transcribe it, in order (TRANSCRIBE_MODEL, then registry models that take audio). */
  transcribeModelKeys: z.array(z.string().min(1)).default([]),
  /** audio: the transcript is saved as the asker's note, not answered (`/note_add` as a reply to a voice message). */
  asNote: z.literal(true).optional(),
});

export type AskMedia = z.infer<typeof askMediaSchema>;

/** How the memory and a saved note name the medium of a question (its bytes are never kept): `[image]`, `[voice]`, `[file name]`. */
export function mediaMarker(media: Pick<AskMedia, "kind" | "fileName">): string {
  if (media.kind === "image") return "[image]";
  if (media.kind === "audio") return "[voice]";
  return `[file ${media.fileName ?? "document"}]`;
}

/** The question as the memory and the save button keep it: with its medium's marker in front. */
export function rememberedQuestion(ask: {
  question: string;
  media?: Pick<AskMedia, "kind" | "fileName"> | undefined;
}): string {
  return ask.media === undefined ? ask.question : `${mediaMarker(ask.media)} ${ask.question}`;
}

/**
 * What one /ask job carries. No secrets: the worker has its own API key. Validated by the worker on
 * every job it takes, so a malformed job fails once instead of crashing a worker.
 */
export const askJobSchema = z.object({
  chatId: z.number().int(),
  /** The forum topic of the question (Telegram's message_thread_id): every message of the answer goes there. */
  threadId: z.number().int().positive().optional(),
  placeholderMessageId: z.number().int().positive(),
  userId: z.number().int().positive(),
  // Telegram's own message limit bounds a question; the gateway enforces the user-facing limit.
  question: z.string().min(1).max(4096),
  modelKey: z.string().min(1),
  /** Tried in order when the active model fails for good with a fault that is not the user's. */
  fallbackModelKeys: z.array(z.string().min(1)).default([]),
  /** The user's own asks that were pending when this one was added (shown in the placeholder). */
  queuedBehind: z.number().int().min(0).default(0),
  /** Epoch ms of the enqueue: the answer's latency, `ask_duration_seconds` and the deadline count from here. */
  enqueuedAt: z.number().int().positive(),
  /** The asker's language: every text the worker sends for this job is in it. */
  locale: z.enum(LOCALES).default("ru"),
  /** What is asked: a question (with the chat's memory), a question about the notes given, a digest of them. */
  kind: z.enum(["ask", "notes", "digest"]).default("ask"),
  /**
   * The asker's notes for "notes" (most relevant first) and "digest" (newest first), already within
   * the gateway's character budget; the worker may drop more to fit the model's context (the least
   * relevant, or the oldest, first). Empty for "ask".
   */
  notes: z.array(z.object({ id: z.string().min(1), text: z.string(), createdAt: z.string() })).default([]),
  /** For "digest": the period in days, and how many notes it has in all (some may not be in `notes`). */
  digest: z.object({ days: z.number().int().positive(), total: z.number().int().min(0) }).optional(),
  /** The model's context length in tokens, from the registry (none: unknown, no trimming beyond the budgets). */
  contextLength: z.number().int().positive().optional(),
  /** The chat's persona (/persona), in the asker's language: added to the system prompt after the bot's rules. */
  persona: z.string().min(1).max(PERSONA_MAX_LENGTH).optional(),
  /** The photo, voice or document the question is about (kind "ask" only). */
  media: askMediaSchema.optional(),
});

export type AskJob = z.infer<typeof askJobSchema>;
export type NewAskJob = z.input<typeof askJobSchema>;

/**
 * Progress the worker records on the job so that a re-run (after a crash, a retry or a shutdown)
 * picks up where the last run stopped instead of answering twice. While an answer streams, only the
 * preview's messages are recorded (so a re-run reuses or removes them); once the answer is complete
 * its messages are fixed, then counted as they go out.
 */
export const askProgressSchema = z.object({
  /** Telegram HTML, one message each; a part Telegram cannot parse goes out as plain text. */
  parts: z.array(z.string()).min(1),
  /** Messages already showing this answer (the placeholder and streamed overflow), edited in order. */
  messageIds: z.array(z.number().int()).min(1),
  sent: z.number().int().min(0),
  /** The answer as the model wrote it, for the conversation memory. */
  answer: z.string().optional(),
  /** Whether the turn is in the conversation memory. */
  remembered: z.boolean(),
  /** The model that answered (a fallback's, when the active one failed). */
  modelKey: z.string().optional(),
  /** What the parts are: the answer ("ok"), or a final status text (a failure, a cancellation). */
  outcome: z.enum(["ok", "error", "cancelled"]).default("ok"),
  /** Why it is not "ok": the failure's label (`503`, `deadline`, `interrupted`, …). */
  failure: z.string().optional(),
  /** The label of the "save as note" button under the last part (answers of kinds ask and notes). */
  saveButton: z.string().optional(),
  /** The question as remembered and saved, when the job's own is not it (a voice message: its transcript). */
  question: z.string().optional(),
});

export type AskProgress = z.infer<typeof askProgressSchema>;

/** The callback data of the "save as note" button under an answer: `save:<jobId>` (Telegram allows 64 bytes). */
export const SAVE_CALLBACK_PREFIX = "save:";
export const CALLBACK_DATA_MAX_BYTES = 64;

/** The button's callback data for the answer of `jobId`; undefined when it would not fit 64 bytes. */
export function saveCallbackData(jobId: string): string | undefined {
  const data = `${SAVE_CALLBACK_PREFIX}${jobId}`;
  return Buffer.byteLength(data, "utf8") <= CALLBACK_DATA_MAX_BYTES ? data : undefined;
}

/** The job id a save button's callback data names, or undefined for any other data. */
export function jobIdOfSaveCallback(data: string): string | undefined {
  return data.startsWith(SAVE_CALLBACK_PREFIX) && data.length > SAVE_CALLBACK_PREFIX.length
    ? data.slice(SAVE_CALLBACK_PREFIX.length)
    : undefined;
}

/** One Telegram update gives at most one job: a repeated delivery finds the same id. */
export const askJobId = (updateId: number) => `tg-update-${updateId}`;

/** Runs of a job BullMQ allows at most; the worker's ASK_MAX_ATTEMPTS (at most 10) decides below it. */
export const ASK_JOB_ATTEMPTS = 10;

/** The backoff type every ask job names; the worker registers the strategy (services/worker/src/ask/next.ts). */
export const ASK_BACKOFF = "openrouter";

/** BullMQ options of a new ask job. */
export function askJobOptions(jobId: string, queuedBehind: number) {
  return {
    jobId,
    // The user's asks already pending + 1: one user's burst waits behind everyone else's single questions.
    priority: Math.min(queuedBehind + 1, 2_000_000),
    attempts: ASK_JOB_ATTEMPTS,
    backoff: { type: ASK_BACKOFF },
    // Kept a day so a late repeated delivery of the update still finds it.
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** Every Redis key and channel of the ask path (and the Telegram budget) besides BullMQ's own, under the queue prefix. */
export function askKeys(prefix: string) {
  return {
    /** Sorted set: the user's unanswered asks (job ids, scored by expiry). */
    pending: (userId: number) => `${prefix}:ask-user:${userId}:pending`,
    /** Sorted set: the user's asks running now (job ids, scored by the end of their lease). */
    running: (userId: number) => `${prefix}:ask-user:${userId}:running`,
    /** Flag: the user cancelled this ask. */
    cancelled: (jobId: string) => `${prefix}:ask-cancelled:${jobId}`,
    /** Sorted set: the user's asks admitted in the last minute (job id by time), for the per-user limit. */
    userLimit: (userId: number) => `${prefix}:ask-limit:${userId}`,
    /** Sorted set: OpenRouter requests of the last minute, across all workers. */
    requests: `${prefix}:ask-openrouter-requests`,
    /** Hash: the bot's Telegram budget in all (next free time, rate, last cut), shared by every process. */
    telegramBudget: `${prefix}:tg-budget:all`,
    /** The next free time of one chat's Telegram budget. */
    telegramBudgetChat: (chatId: number | string) => `${prefix}:tg-budget:chat:${chatId}`,
    /** Pub/sub: job ids of cancelled asks, for the worker running them. */
    cancelChannel: `${prefix}:ask-cancel`,
  };
}
