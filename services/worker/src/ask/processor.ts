import { setTimeout as sleep } from "node:timers/promises";
import type { ConversationStore, Turn } from "@notesbot/shared/conversations";
import { storableText } from "@notesbot/shared/db";
import { NOTE_MAX_LENGTH } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import { type AskJob, rememberedQuestion, type UserAsks } from "@notesbot/shared/queue";
import { cutBeforePair } from "@notesbot/shared/telegram";
import type { Localizer } from "@notesbot/shared/texts";
import type { Job } from "bullmq";
import type { ChatMessages, ChatTarget } from "../chat-messages.js";
import type { ContentPart, TokenUsage } from "../openrouter/index.js";
import type { Admission, createAdmission } from "./admission.js";
import type { AnswerResult, createAnswerStage } from "./answer.js";
import type { Delivered, Delivery } from "./delivery.js";
import { createFailedForGood } from "./failed-for-good.js";
import { failureLabel, failureText } from "./failure.js";
import type { MediaStage } from "./media.js";
import { applyNext, type Next } from "./next.js";
import type { Ending, OutcomeReporter } from "./outcome.js";
import { answerTokens, buildPrompt, type Prompt } from "./prompt.js";
import type { RequestLimit, RequestSlot } from "./request-limit.js";
import { askBoundAt, type RetryPolicy } from "./retry.js";
import { createSlotWaiters } from "./slot-waiters.js";
import { STOP, stopAfter, stopReason } from "./stop.js";
import { createStreamPreview, type DraftSupport } from "./stream-preview.js";

/** Characters of a voice message's transcript the placeholder shows while its answer comes. */
const STATUS_TRANSCRIPT_CHARS = 3_500;

/** How long a job waits when its user already has the most asks running (unless woken earlier). */
const IN_FLIGHT_WAIT_MS = 500;

/** What a stage ends in: its delivery (ended, or deferred for Telegram or PostgreSQL), or what comes next. */
type Step = Delivered | Next;

/** An admission that lets the ask go on (see admission.ts). */
type Admitted = Exclude<Admission, { kind: "invalid" } | { kind: "busy" }>;

/**
 * Processes one ask in stages, each returning a value: admission (admission.ts), the first request's
 * turn (OPENROUTER_RPM), the answer (answer.ts) with the streamed preview, delivery (delivery.ts).
 * `settle` makes of the last one what comes next (next.ts): done once the outcome is reported, or the
 * job put back — a retry (an attempt), or without using one a free slot, a free request, a shutdown,
 * Telegram or PostgreSQL failing for now. A job waiting for its request sleeps until the slot it
 * reserved, its place told once, its memory not yet read.
 */
export function createAskProcessor(deps: AskProcessorDeps) {
  const { localizer, logger, userAsks, delivery, report } = deps;
  const slotWaiters = createSlotWaiters(logger);

  /** The answer stage with the preview, then delivery (or the job put back). */
  const run = async (
    job: Job<AskJob>,
    ask: AskJob,
    previewMessageIds: number[],
    signal: AbortSignal,
  ): Promise<Step> => {
    const jobId = job.id as string;
    const local = new AbortController();
    const stop = AbortSignal.any([signal, local.signal]);
    let undeliverableCode: number | undefined;
    const turn = await takeTurn(deps, job, ask, previewMessageIds);
    if (turn !== "go") return turn;
    const question = await questionFor(deps, job, ask, previewMessageIds, stop);
    if (question.kind === "step") return question.step;
    const { asked, attached, voice } = question;
    const prompt = await promptFor(deps, jobId, asked, attached);
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
      ask: asked,
      messages: prompt.messages,
      maxTokens: answerTokens(deps.maxTokens, ask.contextLength, prompt.messages),
      attempt: job.attemptsMade + 1,
      stop,
      ...(preview ? { onDelta: preview.push } : {}),
    });
    const messageIds = preview ? await preview.stop() : previewMessageIds;
    return deliverAnswer(deps, job, ask, result, {
      notesSent: prompt.notesSent,
      messageIds,
      undeliverableCode,
      ...(voice === undefined ? {} : { voice }),
    });
  };

  /** What an admitted run does: deliver a recorded answer, end with a text, or ask. */
  const stage = async (job: Job<AskJob>, admission: Admitted, signal: AbortSignal): Promise<Step> => {
    const { ask } = admission;
    switch (admission.kind) {
      case "resume":
        await userAsks.finish(ask.userId, job.id as string);
        return delivery.resume(job, ask, admission.progress);
      case "end": {
        const failed = { outcome: "error", failure: admission.failure } as const;
        return delivery.end(job, ask, admission.text, admission.previewMessageIds, failed);
      }
      case "cancelled": {
        const text = localizer.of(ask.locale).ask.cancelled;
        return delivery.end(job, ask, text, admission.previewMessageIds, { outcome: "cancelled" });
      }
      case "run":
        return run(job, ask, admission.previewMessageIds, signal);
    }
  };

  /**
   * What comes next after a stage: an ended ask is reported; a deferred delivery runs again later as
   * long as the ask's bound allows, else it is given up on and reported.
   */
  const settle = async (job: Job<AskJob>, ask: AskJob, step: Step): Promise<Next> => {
    const jobId = job.id as string;
    if (step.kind === "ended") return reported(jobId, ask, step.ending);
    if (step.kind !== "deferred") return step;
    await userAsks.stopRunning(ask.userId, jobId);
    if (Date.now() + step.delayMs < askBoundAt(deps.retry, ask.enqueuedAt)) {
      logger.warn({ jobId, reason: step.reason, delayMs: step.delayMs }, "ask delivery will be retried");
      return { kind: "defer", delayMs: step.delayMs };
    }
    await userAsks.finish(ask.userId, jobId);
    logger.warn({ jobId, reason: step.reason }, "ask delivery given up: past its bound");
    return reported(
      jobId,
      ask,
      step.ending ?? { modelKey: ask.modelKey, outcome: "error", failure: step.reason },
    );
  };

  /** Reports how the ask ended; one that ended without its answer is a failed job (ask_queue_jobs{state="failed"}). */
  const reported = (jobId: string, ask: AskJob, ending: Ending): Next => {
    report(jobId, ask.enqueuedAt, ending);
    const answered = ending.outcome === "ok" || ending.failure === "interrupted";
    if (ending.outcome === "cancelled" || answered) return { kind: "done" };
    return { kind: "fail", reason: ending.failure ?? "error", reported: true };
  };

  const nextOf = async (job: Job<AskJob>, signal: AbortSignal): Promise<Next> => {
    const admission = await deps.admit(job);
    if (admission.kind === "invalid") {
      logger.warn({ jobId: job.id, reason: admission.reason }, "invalid ask job");
      return { kind: "fail", reason: `invalid ask job: ${admission.reason}`, reported: false };
    }
    if (admission.kind === "busy") return { kind: "defer", delayMs: IN_FLIGHT_WAIT_MS, forUserSlot: true };
    return settle(job, admission.ask, await stage(job, admission, signal));
  };

  return {
    process: async (job: Job<AskJob>, token: string | undefined, signal: AbortSignal): Promise<void> => {
      const next = await nextOf(job, signal);
      const userId = typeof job.data?.userId === "number" ? job.data.userId : undefined;
      try {
        await applyNext(job, token, next);
      } finally {
        // A run that did not wait for its slot gave it up (or never took one): the next waiting ask may go.
        if (userId !== undefined) {
          if (next.kind === "defer" && next.forUserSlot) slotWaiters.wait(userId, job);
          else slotWaiters.ran(userId, job.id as string);
        }
      }
    },
    /** The worker's `failed` listener: a job BullMQ gave up on is told to its user (failed-for-good.ts). */
    failed: createFailedForGood(deps),
  };
}

/**
 * The first request's slot (OPENROUTER_RPM), before anything else is done for the ask: "go", or how
 * this run ends — put back until its slot (its place told once), or ended at once when no slot comes
 * before the deadline. Past the deadline it goes on, and the answer stage says so.
 */
async function takeTurn(
  deps: AskProcessorDeps,
  job: Job<AskJob>,
  ask: AskJob,
  previewMessageIds: number[],
): Promise<"go" | Step> {
  const { delivery, logger, userAsks } = deps;
  const jobId = job.id as string;
  const texts = deps.localizer.of(ask.locale);
  const deadlineAt = ask.enqueuedAt + deps.retry.deadlineMs;
  if (Date.now() >= deadlineAt) return "go";
  let slot: RequestSlot;
  try {
    slot = await deps.requests.reserve(`${jobId}:${job.attemptsMade + 1}`, deadlineAt);
  } catch (error) {
    logger.warn({ jobId, err: error }, "request slot unavailable");
    await userAsks.stopRunning(ask.userId, jobId);
    return { kind: "defer", delayMs: 1_000 };
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
    return { kind: "defer", delayMs: slot.waitMs };
  }
  // Its turn came after a wait (the placeholder tells the place), or behind the user's own asks.
  if (slot.held || (ask.queuedBehind > 0 && job.attemptsMade === 0))
    await delivery.status(ask, texts.ask.placeholder);
  return "go";
}

/**
 * The question the model is asked and what is attached to it: a photo or a document downloaded and made
 * into the request's parts; a voice message transcribed first, its transcript shown while the answer
 * comes and answered as the question (or saved as a note). Else how the run ends.
 */
async function questionFor(
  deps: AskProcessorDeps,
  job: Job<AskJob>,
  ask: AskJob,
  previewMessageIds: number[],
  stop: AbortSignal,
): Promise<
  | {
      kind: "question";
      asked: AskJob;
      attached: readonly ContentPart[];
      voice?: Voice;
    }
  | { kind: "step"; step: Step }
> {
  const texts = deps.localizer.of(ask.locale);
  const input = await deps.mediaInput(job.id as string, ask, texts, stop);
  if (!input.ok) {
    const result: AnswerResult =
      "stopped" in input
        ? { kind: "stopped", why: input.stopped }
        : { kind: "failure", failure: input.failure };
    const run = { notesSent: 0, messageIds: previewMessageIds, undeliverableCode: undefined };
    return { kind: "step", step: await deliverAnswer(deps, job, ask, result, run) };
  }
  const asked = input.question === undefined ? ask : { ...ask, question: input.question };
  if (ask.media?.kind !== "audio") return { kind: "question", asked, attached: input.attached };
  const heard = await transcribe(deps, job, ask, input.attached, stop);
  if (heard.kind !== "transcript") return heard;
  if (ask.media.asNote) {
    // Its only model call: in /usage as the job's row.
    if (heard.usage !== undefined) deps.recordUsage(job.id as string, ask, heard.modelKey, heard.usage);
    return { kind: "step", step: await savedAsNote(deps, job, ask, heard.transcript, previewMessageIds) };
  }
  const voice: Voice = {
    lead: texts.media.transcript(heard.transcript),
    question: rememberedQuestion({ ...ask, question: heard.transcript }),
    ...(heard.usage === undefined ? {} : { heardUsage: heard.usage }),
  };
  // Shown while the answer comes (cut to stay within one message; the answer shows it whole).
  const shown = Array.from(voice.lead).slice(0, STATUS_TRANSCRIPT_CHARS).join("");
  await deps.delivery.status(ask, `${shown}\n\n${texts.ask.placeholder}`);
  return {
    kind: "question",
    asked: { ...ask, question: `${ask.question}\n\n${heard.transcript}` },
    attached: [],
    voice,
  };
}

/**
 * A voice message's transcript, from its transcribing models (TRANSCRIBE_MODEL, then the registry's
 * models that take audio) through the answer stage: their breakers, retries and fallbacks, within the
 * ask's deadline. Then the request slot (OPENROUTER_RPM) of the answer to it, like a fallback's (none
 * when the transcript is to be saved as a note). Else
 * how the run ends: a failure (no words heard, or the models failed) told in the placeholder, or the job
 * put back (a retry, a shutdown, a slot to wait for).
 */
async function transcribe(
  deps: AskProcessorDeps,
  job: Job<AskJob>,
  ask: AskJob,
  attached: readonly ContentPart[],
  stop: AbortSignal,
): Promise<
  | { kind: "transcript"; transcript: string; modelKey: string; usage?: TokenUsage }
  | { kind: "step"; step: Step }
> {
  const jobId = job.id as string;
  const texts = deps.localizer.of(ask.locale);
  const [modelKey = ask.modelKey, ...fallbackModelKeys] = ask.media?.transcribeModelKeys ?? [];
  const hearing: AskJob = { ...ask, modelKey, fallbackModelKeys };
  const run = { notesSent: 0, messageIds: [], undeliverableCode: undefined };
  const result = await deps.answer({
    jobId,
    ask: hearing,
    messages: [
      { role: "user", content: [{ type: "text", text: texts.media.transcribePrompt }, ...attached] },
    ],
    maxTokens: deps.maxTokens,
    attempt: job.attemptsMade + 1,
    stop,
  });
  if (result.kind !== "answer")
    return { kind: "step", step: await deliverAnswer(deps, job, hearing, result, run) };
  const transcript = result.content.trim();
  if (transcript === "") {
    const failure = { kind: "media", problem: { label: "no_speech" } } as const;
    return { kind: "step", step: await deliverAnswer(deps, job, hearing, { kind: "failure", failure }, run) };
  }
  deps.logger.info({ jobId, modelKey: result.modelKey, chars: transcript.length }, "voice transcribed");
  const heard = {
    kind: "transcript",
    transcript,
    modelKey: result.modelKey,
    ...(result.usage === undefined ? {} : { usage: result.usage }),
  } as const;
  // Saved as a note: no answer, so no request of it.
  if (ask.media?.asNote) return heard;
  const deadlineAt = ask.enqueuedAt + deps.retry.deadlineMs;
  let slot: RequestSlot;
  try {
    slot = await deps.requests.reserve(`${jobId}:${job.attemptsMade + 1}:answer`, deadlineAt);
  } catch (error) {
    deps.logger.warn({ jobId, err: error }, "request slot unavailable");
    return {
      kind: "step",
      step: await deliverAnswer(deps, job, ask, { kind: "defer", delayMs: 1_000 }, run),
    };
  }
  if (slot.kind === "none") {
    const failure = { kind: "queue_full", limitMs: deps.retry.deadlineMs } as const;
    return { kind: "step", step: await deliverAnswer(deps, job, ask, { kind: "failure", failure }, run) };
  }
  if (slot.kind === "wait") await sleep(slot.waitMs, undefined, { signal: stop }).catch(() => {});
  const stopped = stopReason(stop);
  if (stopped !== undefined && stopped !== "deadline") {
    return {
      kind: "step",
      step: await deliverAnswer(deps, job, ask, { kind: "stopped", why: stopped }, run),
    };
  }
  return heard;
}

/**
 * A voice message's transcript stored as the asker's note (`/note_add` as a reply to it), once per job
 * (a re-run finds the same note), cut to a note's length; the placeholder shows it and the note's id.
 * PostgreSQL failing puts the job back (the transcription is asked again on the next run).
 */
async function savedAsNote(
  deps: AskProcessorDeps,
  job: Job<AskJob>,
  ask: AskJob,
  transcript: string,
  previewMessageIds: number[],
): Promise<Step> {
  const jobId = job.id as string;
  const texts = deps.localizer.of(ask.locale);
  const text = noteText(transcript);
  let noteId: string;
  try {
    noteId = await deps.saveNote({ userId: ask.userId, chatId: ask.chatId, savedFrom: jobId, text });
  } catch (error) {
    deps.logger.warn({ jobId, code: (error as { code?: string }).code }, "transcript not saved yet");
    await deps.userAsks.stopRunning(ask.userId, jobId);
    return { kind: "defer", delayMs: 2_000 };
  }
  const shown = `${texts.media.transcript(text)}\n\n${texts.noteAdded(noteId)}`;
  return deps.delivery.end(job, ask, shown, previewMessageIds, { outcome: "ok" });
}

/** A transcript as a note: storable, and cut to a note's length (never inside a surrogate pair). */
function noteText(transcript: string): string {
  const text = storableText(transcript);
  if (text.length <= NOTE_MAX_LENGTH) return text;
  return `${text.slice(0, cutBeforePair(text, NOTE_MAX_LENGTH - 1)).trimEnd()}…`;
}

/**
 * The chat's recent turns, or none when PostgreSQL fails, or does not answer before the ask's
 * deadline (which counts from the question, so the read is within it like everything else).
 */
async function memoryOf(deps: AskProcessorDeps, jobId: string, ask: AskJob): Promise<Turn[]> {
  const { logger } = deps;
  const read = deps.conversations.recent(ask.chatId).catch((error: unknown) => {
    logger.warn({ jobId, code: (error as { code?: string }).code }, "memory unavailable; asking without it");
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
}

/**
 * The request for the ask's kind (see prompt.ts): a question goes with the chat's recent turns, or
 * without them when PostgreSQL does not answer; questions about notes and digests go without memory.
 */
async function promptFor(
  deps: AskProcessorDeps,
  jobId: string,
  ask: AskJob,
  attached: readonly ContentPart[] = [],
): Promise<Prompt> {
  const { logger } = deps;
  const texts = deps.localizer.of(ask.locale);
  if (ask.kind !== "ask") {
    const prompt = buildPrompt(texts, ask, []);
    if (prompt.notesSent < ask.notes.length)
      logger.info(
        { jobId, kind: ask.kind, notes: ask.notes.length, sent: prompt.notesSent },
        "notes trimmed to fit the context",
      );
    return prompt;
  }
  const history = await memoryOf(deps, jobId, ask);
  const prompt = buildPrompt(texts, ask, history, attached);
  const dropped = history.length + 2 - prompt.messages.length;
  if (dropped > 0)
    logger.info({ jobId, dropped, contextLength: ask.contextLength }, "memory trimmed to fit the context");
  return prompt;
}

/**
 * A voice message's transcript, shown above the answer; its question as remembered; what hearing it
 * cost, counted with the answer's own usage in the ask's one row of /usage.
 */
interface Voice {
  lead: string;
  question: string;
  heardUsage?: TokenUsage;
}

/** An answer's usage with its transcription's added. */
function plusUsage(answer: TokenUsage | undefined, heard: TokenUsage | undefined): TokenUsage | undefined {
  if (answer === undefined || heard === undefined) return answer ?? heard;
  const cost =
    answer.cost === undefined && heard.cost === undefined
      ? {}
      : { cost: (answer.cost ?? 0) + (heard.cost ?? 0) };
  return {
    promptTokens: answer.promptTokens + heard.promptTokens,
    completionTokens: answer.completionTokens + heard.completionTokens,
    totalTokens: answer.totalTokens + heard.totalTokens,
    ...cost,
  };
}

/** The answer stage's result delivered, or what comes next instead (a retry, the job put back). */
async function deliverAnswer(
  deps: AskProcessorDeps,
  job: Job<AskJob>,
  ask: AskJob,
  result: AnswerResult,
  run: {
    notesSent: number;
    messageIds: number[];
    undeliverableCode: number | undefined;
    voice?: Voice;
  },
): Promise<Step> {
  const { delivery, logger, userAsks } = deps;
  const jobId = job.id as string;
  const texts = deps.localizer.of(ask.locale);
  const { messageIds } = run;
  switch (result.kind) {
    case "answer": {
      const usage = plusUsage(result.usage, run.voice?.heardUsage);
      if (usage !== undefined && result.interrupted === undefined)
        deps.recordUsage(jobId, ask, result.modelKey, usage);
      const interrupted = result.interrupted && failureText(texts, result.interrupted, ask.modelKey);
      const cut = result.cut && texts.ask.cut[result.cut];
      return delivery.answer(
        job,
        ask,
        {
          content: result.content,
          modelKey: result.modelKey,
          notesSent: run.notesSent,
          ...(interrupted ? { interrupted } : {}),
          ...(cut ? { cut } : {}),
          ...(run.voice === undefined ? {} : { lead: run.voice.lead, question: run.voice.question }),
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
      return { kind: "retry", delayMs: result.delayMs, reason: label };
    }
    case "defer":
      await userAsks.stopRunning(ask.userId, jobId);
      return { kind: "defer", delayMs: result.delayMs };
    case "stopped":
      if (result.why === "cancelled")
        return delivery.end(job, ask, texts.ask.cancelled, messageIds, { outcome: "cancelled" });
      if (result.why === "undeliverable") {
        await userAsks.finish(ask.userId, jobId);
        const code = run.undeliverableCode === undefined ? {} : { telegramCode: run.undeliverableCode };
        const ending: Ending = { modelKey: ask.modelKey, outcome: "undeliverable", ...code };
        return { kind: "ended", ending };
      }
      // Shutdown: back to the queue at once, for another worker (its preview messages are recorded).
      logger.info({ jobId }, "ask returned to the queue: worker shutting down");
      await userAsks.stopRunning(ask.userId, jobId);
      return { kind: "defer", delayMs: 0 };
  }
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
  /** A photo's, voice's or document's download and content parts (media.ts). */
  mediaInput: MediaStage;
  /** Stores a note once per origin (a voice message's transcript, `/note_add`ed): its id. */
  saveNote: (note: { userId: number; chatId: number; savedFrom: string; text: string }) => Promise<string>;
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
