import type { ConversationStore, Turn } from "@notesbot/shared/conversations";
import type { Logger } from "@notesbot/shared/logging";
import { type AskJob, askJobSchema, RetryNextAttemptError, type UserAsks } from "@notesbot/shared/queue";
import type { Localizer } from "@notesbot/shared/texts";
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { TokenUsage } from "../openrouter/index.js";
import { type createAdmission, previewMessages } from "./admission.js";
import type { AnswerResult, createAnswerStage } from "./answer.js";
import { type Delivery, DeliveryDeferredError } from "./delivery.js";
import { failureLabel, failureText } from "./failure.js";
import type { Ending, OutcomeReporter } from "./outcome.js";
import { answerTokens, buildPrompt, type Prompt } from "./prompt.js";
import type { RequestLimit, RequestSlot } from "./request-limit.js";
import { askBoundAt, type RetryPolicy } from "./retry.js";
import { STOP, stopAfter } from "./stop.js";
import { createStreamPreview, type DraftSupport } from "./stream-preview.js";
import { type ChatMessages, type ChatTarget, telegramErrorFields } from "./telegram.js";

/** How long a job waits when its user already has the most asks running. */
const IN_FLIGHT_WAIT_MS = 500;

/**
 * Processes one ask in three stages — admission (admission.ts), answer (answer.ts), delivery
 * (delivery.ts) — with the streamed preview in between. Whatever happens ends in one report of the
 * outcome, or in the job put back for later: a retry (an attempt), or without using one a free slot,
 * a free request, a shutdown, Telegram or PostgreSQL failing for now. A job waiting for its request
 * (OPENROUTER_RPM) sleeps until the slot it reserved, its place told once, its memory not yet read.
 */
export function createAskProcessor(deps: AskProcessorDeps) {
  const { localizer, logger, userAsks, delivery, report } = deps;

  /** Puts the job back to run after `delayMs`, without using one of its attempts. */
  const later = async (job: Job<AskJob>, token: string | undefined, delayMs: number): Promise<never> => {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  };

  /**
   * The chat's recent turns, or none when PostgreSQL fails, or does not answer before the ask's
   * deadline (which counts from the question, so the read is within it like everything else).
   */
  const memoryOf = async (jobId: string, ask: AskJob): Promise<Turn[]> => {
    const read = deps.conversations.recent(ask.chatId).catch((error: unknown) => {
      logger.warn(
        { jobId, code: (error as { code?: string }).code },
        "memory unavailable; asking without it",
      );
      return [];
    });
    const deadline = stopAfter(ask.enqueuedAt + deps.retry.deadlineMs - Date.now(), "deadline");
    const expired = new Promise<undefined>((resolve) =>
      deadline.signal.addEventListener("abort", () => resolve(undefined), { once: true }),
    );
    try {
      const history = await Promise.race([read, expired]);
      if (history !== undefined) return history;
      logger.warn({ jobId }, "memory not read before the ask's deadline; asking without it");
      return [];
    } finally {
      deadline.clear();
    }
  };

  /**
   * The request for the ask's kind (see prompt.ts): a question goes with the chat's recent turns, or
   * without them when PostgreSQL does not answer; questions about notes and digests go without memory.
   */
  const promptFor = async (jobId: string, ask: AskJob): Promise<Prompt> => {
    const texts = localizer.of(ask.locale);
    if (ask.kind !== "ask") return buildPrompt(texts, ask, []);
    const history = await memoryOf(jobId, ask);
    const prompt = buildPrompt(texts, ask, history);
    const dropped = history.length + 2 - prompt.messages.length;
    if (dropped > 0)
      logger.info({ jobId, dropped, contextLength: ask.contextLength }, "memory trimmed to fit the context");
    return prompt;
  };

  /**
   * The first request's slot (OPENROUTER_RPM), before anything else is done for the ask: "go", or how
   * this run ends — put back until its slot (its place told once), or ended at once when no slot comes
   * before the deadline. Past the deadline it goes on, and the answer stage says so.
   */
  const takeTurn = async (
    job: Job<AskJob>,
    ask: AskJob,
    previewMessageIds: number[],
    token: string | undefined,
  ): Promise<"go" | Ending> => {
    const jobId = job.id as string;
    const texts = localizer.of(ask.locale);
    const deadlineAt = ask.enqueuedAt + deps.retry.deadlineMs;
    if (Date.now() >= deadlineAt) return "go";
    let slot: RequestSlot;
    try {
      slot = await deps.requests.reserve(`${jobId}:${job.attemptsMade + 1}`, deadlineAt);
    } catch (error) {
      logger.warn({ jobId, err: error }, "request slot unavailable");
      await userAsks.stopRunning(ask.userId, jobId);
      return later(job, token, 1_000);
    }
    if (slot.kind === "none") {
      logger.warn({ jobId }, "no request slot before the ask's deadline");
      const failure = { kind: "queue_full", limitMs: deps.retry.deadlineMs } as const;
      return delivery.end(job, ask, failureText(texts, failure, ask.modelKey), previewMessageIds, {
        outcome: "error",
        failure: failureLabel(failure),
      });
    }
    if (slot.kind === "wait") {
      // Told once, when the slot is reserved; the job sleeps until it (no attempt used).
      if (!slot.held)
        await delivery.status(ask, texts.ask.waitingTurn(slot.place, Math.ceil(slot.waitMs / 60_000)));
      await userAsks.stopRunning(ask.userId, jobId);
      return later(job, token, slot.waitMs);
    }
    // Its turn came after a wait (the placeholder tells the place), or behind the user's own asks.
    if (slot.held || (ask.queuedBehind > 0 && job.attemptsMade === 0))
      await delivery.status(ask, texts.ask.placeholder);
    return "go";
  };

  /** Answer stage with the preview, then delivery (or the job put back). */
  const run = async (
    job: Job<AskJob>,
    ask: AskJob,
    previewMessageIds: number[],
    token: string | undefined,
    signal: AbortSignal,
  ) => {
    const jobId = job.id as string;
    const texts = localizer.of(ask.locale);
    const local = new AbortController();
    const stop = AbortSignal.any([signal, local.signal]);
    let undeliverableCode: number | undefined;
    const turn = await takeTurn(job, ask, previewMessageIds, token);
    if (turn !== "go") return turn;
    const prompt = await promptFor(jobId, ask);
    if (ask.kind !== "ask" && prompt.notesSent < ask.notes.length)
      logger.info(
        { jobId, kind: ask.kind, notes: ask.notes.length, sent: prompt.notesSent },
        "notes trimmed to fit the context",
      );
    const preview = deps.streaming.enabled
      ? createStreamPreview({
          messages: deps.previewMessages(ask),
          opener: deps.messages(ask),
          chatId: ask.chatId,
          messageIds: previewMessageIds,
          drafts: deps.drafts,
          intervalMs: ask.chatId < 0 ? deps.streaming.intervalMs * 3 : deps.streaming.intervalMs,
          logger,
          onOpened: (previewMessageIds) => job.updateProgress({ previewMessageIds }),
          onUndeliverable: (code) => {
            undeliverableCode = code;
            local.abort(STOP.undeliverable);
          },
        })
      : undefined;

    const result: AnswerResult = await deps.answer({
      jobId,
      ask,
      messages: prompt.messages,
      maxTokens: answerTokens(deps.maxTokens, ask.contextLength, prompt.messages),
      attempt: job.attemptsMade + 1,
      stop,
      ...(preview ? { onDelta: preview.push } : {}),
    });
    const messageIds = preview ? await preview.stop() : previewMessageIds;
    const base = { modelKey: ask.modelKey };

    switch (result.kind) {
      case "answer": {
        if (result.usage !== undefined && result.interrupted === undefined)
          deps.recordUsage(jobId, ask, result.modelKey, result.usage);
        const interrupted = result.interrupted && failureText(texts, result.interrupted, ask.modelKey);
        const cut = result.cut && texts.ask.cut[result.cut];
        return delivery.answer(
          job,
          ask,
          {
            content: result.content,
            modelKey: result.modelKey,
            notesSent: prompt.notesSent,
            ...(interrupted ? { interrupted } : {}),
            ...(cut ? { cut } : {}),
          },
          messageIds,
        );
      }
      case "failure": {
        const label = failureLabel(result.failure);
        logger.warn({ jobId, attempt: job.attemptsMade + 1, failure: label }, "ask failed for good");
        const text = failureText(texts, result.failure, ask.modelKey);
        return delivery.end(job, ask, text, messageIds, { outcome: "error", failure: label });
      }
      case "retry": {
        const label = failureLabel(result.failure);
        const attempt = job.attemptsMade + 1;
        logger.warn({ jobId, attempt, delayMs: result.delayMs, failure: label }, "ask will be retried");
        await userAsks.stopRunning(ask.userId, jobId);
        await delivery.status(ask, texts.ask.retrying(label, attempt + 1, deps.retry.maxAttempts));
        throw new RetryNextAttemptError(result.delayMs, label);
      }
      case "later":
        await userAsks.stopRunning(ask.userId, jobId);
        return later(job, token, result.delayMs);
      case "stopped":
        if (result.why === "cancelled")
          return delivery.end(job, ask, texts.ask.cancelled, messageIds, { outcome: "cancelled" });
        if (result.why === "undeliverable") {
          await userAsks.finish(ask.userId, jobId);
          const code = undeliverableCode === undefined ? {} : { telegramCode: undeliverableCode };
          return { ...base, outcome: "undeliverable", ...code } satisfies Ending;
        }
        // Shutdown: back to the queue at once, for another worker (its preview messages are recorded).
        logger.info({ jobId }, "ask returned to the queue: worker shutting down");
        await userAsks.stopRunning(ask.userId, jobId);
        return later(job, token, 0);
    }
  };

  /**
   * A job BullMQ gave up on (an unexpected error in every attempt, or too many stalls): the user is
   * told, the ask no longer counts as pending, and the outcome is reported like any other.
   */
  const failedForGood = async (job: Job<AskJob>, error: unknown): Promise<void> => {
    const parsed = askJobSchema.safeParse(job.data);
    if (!parsed.success) return;
    const ask = parsed.data;
    const jobId = job.id as string;
    const texts = localizer.of(ask.locale);
    logger.error({ jobId, ...telegramErrorFields(error) }, "ask job failed for good");
    const base: Ending = { modelKey: ask.modelKey, outcome: "error", failure: "internal" };
    const text = failureText(texts, { kind: "internal" }, ask.modelKey);
    const failed = { outcome: "error", failure: "internal" } as const;
    const ending = await delivery.end(job, ask, text, previewMessages(job, ask), failed).catch(async () => {
      await userAsks.finish(ask.userId, jobId).catch(() => {});
      return base;
    });
    report(jobId, ask.enqueuedAt, ending);
  };

  const process = async (job: Job<AskJob>, token: string | undefined, signal: AbortSignal): Promise<void> => {
    const jobId = job.id as string;
    const admission = await deps.admit(job);
    if (admission.kind === "invalid") {
      logger.warn({ jobId, reason: admission.reason }, "invalid ask job");
      throw new UnrecoverableError(`invalid ask job: ${admission.reason}`);
    }
    if (admission.kind === "busy") return later(job, token, IN_FLIGHT_WAIT_MS);
    const { ask } = admission;
    const base = { modelKey: ask.modelKey };
    let ending: Ending;
    try {
      switch (admission.kind) {
        case "resume":
          await userAsks.finish(ask.userId, jobId);
          ending = await delivery.resume(job, ask, admission.progress);
          break;
        case "end":
          ending = await delivery.end(job, ask, admission.text, admission.previewMessageIds, {
            outcome: "error",
            failure: admission.failure,
          });
          break;
        case "cancelled":
          ending = await delivery.end(
            job,
            ask,
            localizer.of(ask.locale).ask.cancelled,
            admission.previewMessageIds,
            {
              outcome: "cancelled",
            },
          );
          break;
        case "run":
          ending = await run(job, ask, admission.previewMessageIds, token, signal);
          break;
      }
    } catch (error) {
      if (!(error instanceof DeliveryDeferredError)) throw error;
      await userAsks.stopRunning(ask.userId, jobId);
      // Telegram or PostgreSQL failed for now: again later, as long as the ask's bound allows.
      if (Date.now() + error.delayMs < askBoundAt(deps.retry, ask.enqueuedAt)) {
        logger.warn({ jobId, reason: error.reason, delayMs: error.delayMs }, "ask delivery will be retried");
        return later(job, token, error.delayMs);
      }
      await userAsks.finish(ask.userId, jobId);
      logger.warn({ jobId, reason: error.reason }, "ask delivery given up: past its bound");
      ending = error.ending ?? { ...base, outcome: "error", failure: error.reason };
    }
    report(jobId, ask.enqueuedAt, ending);
    // An ask that ended without its answer is a failed job (ask_queue_jobs{state="failed"}), reported already.
    const answered = ending.outcome === "ok" || ending.failure === "interrupted";
    if (ending.outcome !== "cancelled" && !answered) throw new AskFailedError(ending.failure ?? "error");
  };

  return { process, failedForGood };
}

/** Fails the job of an ask that ended without an answer; everything about it was done and reported. */
export class AskFailedError extends UnrecoverableError {
  override name = "AskFailedError";
}

export interface AskProcessorDeps {
  admit: ReturnType<typeof createAdmission>;
  answer: ReturnType<typeof createAnswerStage>;
  delivery: Delivery;
  report: OutcomeReporter;
  messages: (target: ChatTarget) => ChatMessages;
  /** The same chats' messages for streamed previews: spare calls of the Telegram budget, skipped when short. */
  previewMessages: (target: ChatTarget) => ChatMessages;
  conversations: ConversationStore;
  userAsks: UserAsks;
  /** OPENROUTER_RPM: the first request of each attempt takes its slot here (fallbacks in the answer stage). */
  requests: RequestLimit;
  /** The texts of every locale; each job's are in its asker's (`locale` on the job). */
  localizer: Localizer;
  /** Stores an answered ask's token usage; returns at once, whatever PostgreSQL does (see usage.ts). */
  recordUsage: (jobId: string, ask: AskJob, modelKey: string, usage: TokenUsage) => void;
  logger: Logger;
  retry: RetryPolicy;
  /** OPENROUTER_MAX_TOKENS: the most `max_tokens` of an ask's requests. */
  maxTokens: number;
  /** Stream answers, editing the placeholder as they grow at most once per `intervalMs` (3× in groups). */
  streaming: { enabled: boolean; intervalMs: number };
  /** Whether this bot may stream private answers as message drafts (learnt on first use). */
  drafts: DraftSupport;
}
