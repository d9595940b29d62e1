import { randomBytes } from "node:crypto";
import { type Job, Queue } from "bullmq";
import { Api } from "grammy";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { chatMessagesOf, createDelivery } from "../../services/worker/src/ask/delivery.js";
import { createFailedForGood } from "../../services/worker/src/ask/failed-for-good.js";
import { failureText } from "../../services/worker/src/ask/failure.js";
import { applyNext } from "../../services/worker/src/ask/next.js";
import { createOutcomeReporter } from "../../services/worker/src/ask/outcome.js";
import { createAskWorker } from "../../services/worker/src/ask/worker.js";
import { createConversationStore } from "../../shared/src/conversations/index.js";
import { createPool, type Db } from "../../shared/src/db/index.js";
import { createLogger } from "../../shared/src/logging/index.js";
import { ASK_QUEUE, type AskJob, askJobOptions, userAsks } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { createQueuePrefix, createTestDatabase } from "../support/database.js";
import { FakeTelegram } from "../support/fake-telegram.js";

/**
 * The failed-for-good path (services/worker/src/ask/failed-for-good.ts) in process: the real ask
 * worker and queue on the real Redis, the real delivery into the fake Telegram, the real PostgreSQL.
 * A job BullMQ gives up on tells its user once, after its last attempt; a job whose end was told
 * already (a reported `fail`) is left alone.
 */

const MODEL = "deepseek/deepseek-chat-v3.1:free";
const logger = createLogger({ level: "silent", service: "test", secrets: [] });
const localizer = createLocalizer();
let telegram: FakeTelegram;
let api: Api;
let db: Db;
let connection: Redis;
let queue: Queue;
let worker: ReturnType<typeof createAskWorker>;
/** Runs per job id, and what each job's runs do. */
const runs = new Map<string, number>();
const behaviour = new Map<string, (job: Job<AskJob>, token: string | undefined) => Promise<void>>();
const outcomes: { model: string; outcome: string }[] = [];

beforeAll(async () => {
  telegram = await FakeTelegram.start();
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  db = createPool(await createTestDatabase(), { timeoutMs: 10_000, max: 2 });
  connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const prefix = createQueuePrefix();
  queue = new Queue(ASK_QUEUE, { connection, prefix });
  const asks = userAsks(connection, prefix);
  const delivery = createDelivery({
    messages: chatMessagesOf(api, new Map(), () => {}),
    conversations: createConversationStore(db, { charBudget: 10_000, idleMs: 3_600_000 }),
    userAsks: asks,
    localizer,
    logger,
  });
  const report = createOutcomeReporter({
    logger,
    observeDuration: (labels) => outcomes.push(labels),
    countDailyCap: () => {},
  });
  worker = createAskWorker(
    async (job, token) => {
      runs.set(job.id as string, (runs.get(job.id as string) ?? 0) + 1);
      await behaviour.get(job.id as string)?.(job, token);
    },
    { connection, prefix, concurrency: 1, lockMs: 30_000 },
  );
  worker.worker.on("failed", createFailedForGood({ delivery, report, userAsks: asks, localizer, logger }));
});

afterAll(async () => {
  await worker?.stop(0);
  await queue?.close();
  connection?.disconnect();
  await db?.end();
  await telegram?.close();
});

/** An ask of a new user, its placeholder shown, whose runs do what `run` says; two attempts in all. */
async function addAsk(run: (job: Job<AskJob>, token: string | undefined) => Promise<void>) {
  const user = telegram.newUser();
  const placeholder = await api.sendMessage(user.id, "⏳");
  const jobId = `failed-${randomBytes(4).toString("hex")}`;
  behaviour.set(jobId, run);
  const job: AskJob = {
    chatId: user.id,
    placeholderMessageId: placeholder.message_id,
    userId: user.id,
    question: "?",
    modelKey: MODEL,
    fallbackModelKeys: [],
    queuedBehind: 0,
    enqueuedAt: Date.now(),
    locale: "ru",
    kind: "ask",
    notes: [],
  };
  await queue.add("ask", job, { ...askJobOptions(jobId, 0), attempts: 2 });
  return { jobId, chatId: user.id, placeholderId: placeholder.message_id };
}

/** Waits until `condition` holds (vitest's waitFor, every 20 ms); fails with `what` after `timeoutMs`. */
async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  await vi.waitFor(
    async () => {
      if (!(await condition())) throw new Error(`never happened: ${what}`);
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

const editsOf = (chatId: number, messageId: number) =>
  telegram.calls.filter(
    (call) =>
      call.method === "editMessageText" &&
      Number(call.payload.chat_id) === chatId &&
      Number(call.payload.message_id) === messageId,
  );

describe("an ask job BullMQ gives up on", () => {
  it("tells its user once, after its last attempt, and is reported as an internal error", async () => {
    const reportedBefore = outcomes.length;
    const told = await addAsk(async () => {
      throw new Error("unexpected");
    });
    const text = await telegram.waitForText(told.chatId, told.placeholderId, (t) => t !== "⏳", 30_000);
    expect(text).toBe(failureText(localizer.of("ru"), { kind: "internal" }, MODEL));
    expect(runs.get(told.jobId)).toBe(2);
    expect(editsOf(told.chatId, told.placeholderId)).toHaveLength(1);
    // Reported right after the placeholder is edited.
    await waitUntil(() => outcomes.length > reportedBefore, "the ask's end reported");
    expect(outcomes.slice(reportedBefore)).toEqual([{ model: MODEL, outcome: "error" }]);
  });

  it("leaves a job alone whose end was told already (a reported fail), even in its last attempt", async () => {
    // Its first run fails unexpectedly (an attempt used); its last one ends told and reported.
    const quiet = await addAsk(async (job, token) => {
      if (job.attemptsMade === 0) throw new Error("unexpected");
      await applyNext(job, token, { kind: "fail", reason: "503", reported: true });
    });
    // A job failing for good after it is told next: once it is, the quiet one was long handled.
    const told = await addAsk(async () => {
      throw new Error("unexpected");
    });
    await telegram.waitForText(told.chatId, told.placeholderId, (t) => t !== "⏳", 30_000);
    await waitUntil(async () => (await queue.getJobState(quiet.jobId)) === "failed", "the quiet job failed");
    expect(runs.get(quiet.jobId)).toBe(2);
    expect(telegram.textOf(quiet.chatId, quiet.placeholderId)).toBe("⏳");
    expect(editsOf(quiet.chatId, quiet.placeholderId)).toHaveLength(0);
  });
});
