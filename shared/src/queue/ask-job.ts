import { z } from "zod";

/** The BullMQ queue between the gateway (producer) and the LLM workers (consumers). */
export const ASK_QUEUE = "ask";

/**
 * What one /ask job carries. No secrets: the worker has its own API key. Validated by the worker on
 * every job it takes, so a malformed job fails once instead of crashing a worker.
 */
export const askJobSchema = z.object({
  chatId: z.number().int(),
  placeholderMessageId: z.number().int().positive(),
  userId: z.number().int().positive(),
  // Telegram's own message limit bounds a question; the gateway enforces the user-facing limit.
  question: z.string().min(1).max(4096),
  modelKey: z.string().min(1),
  /** Tried in order when the active model fails for good with a fault that is not the user's. */
  fallbackModelKeys: z.array(z.string().min(1)).default([]),
  /** The user's own asks that were pending when this one was added (shown in the placeholder). */
  queuedBehind: z.number().int().min(0).default(0),
  /** Epoch ms of the enqueue: the answer's latency and `ask_duration_seconds` count from here. */
  enqueuedAt: z.number().int().positive(),
});

export type AskJob = z.infer<typeof askJobSchema>;
export type NewAskJob = z.input<typeof askJobSchema>;

/**
 * Progress the worker records so that a re-run after a crash resumes delivery instead of
 * answering twice: the answer's messages are fixed once, then counted as they go out.
 */
export const askProgressSchema = z.object({
  /** Telegram HTML, one message each; a part Telegram cannot parse goes out as plain text. */
  parts: z.array(z.string()).min(1),
  /** Messages already showing this answer (the placeholder and streamed overflow), edited in order. */
  messageIds: z.array(z.number().int()).min(1),
  sent: z.number().int().min(0),
});

export type AskProgress = z.infer<typeof askProgressSchema>;

/** One Telegram update gives at most one job: a repeated delivery finds the same id. */
export const askJobId = (updateId: number) => `tg-update-${updateId}`;
