/**
 * The daily registry sync as the worker runs it: a BullMQ job scheduler on the maintenance queue, the
 * fake OpenRouter's `GET /models`, the real registry in PostgreSQL, the admins told through the fake
 * Telegram when the active model goes, every run counted.
 */
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MAINTENANCE_QUEUE, REGISTRY_SYNC_JOB, REMINDERS_SWEEP_JOB } from "../../shared/src/queue/index.js";
import { catalogEntry, SEEDED_MODELS } from "../support/fake-openrouter.js";
import { sample, scrape } from "../support/metrics.js";
import { Stack } from "../support/stack.js";

const ADMINS = [555_000_111, 555_000_222];

let stack: Stack;
let connection: Redis;
let queue: Queue;
let events: QueueEvents;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1, env: { ADMIN_USER_IDS: ADMINS.join(",") } });
  connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const options = { connection, prefix: stack.env.QUEUE_PREFIX as string };
  queue = new Queue(MAINTENANCE_QUEUE, options);
  events = new QueueEvents(MAINTENANCE_QUEUE, { ...options, connection: connection.duplicate() });
  await events.waitUntilReady();
});

afterAll(async () => {
  await Promise.all([queue.close(), events.close()]);
  connection.disconnect();
  expect(await stack.stop()).toEqual([0, 0]);
});

/** Runs the sync now, as the schedule would, and waits for it to finish. */
async function runSync() {
  const job = await queue.add(REGISTRY_SYNC_JOB, {});
  await job.waitUntilFinished(events, 15_000);
}

const registry = async () =>
  (
    await stack.db.query<{ key: string; active: boolean; available: boolean }>(
      "SELECT key, active, available FROM models ORDER BY id",
    )
  ).rows;
const messagesTo = (chatId: number) =>
  stack.telegram.calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === chatId && c.ok);
const metric = async (name: string, labels: Record<string, string> = {}) =>
  sample(await scrape(await (stack.workers[0] as (typeof stack.workers)[number]).metricsUrl()), name, labels);

describe("the daily registry sync", () => {
  it("is scheduled once a day on the maintenance queue", async () => {
    const schedulers = await queue.getJobSchedulers();
    // Beside it, the reminders sweep (test/e2e/reminders.test.ts).
    expect(schedulers).toHaveLength(2);
    expect(schedulers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: "registry-sync-daily",
          name: REGISTRY_SYNC_JOB,
          pattern: "5 0 * * *",
          tz: "UTC",
        }),
        expect.objectContaining({
          key: "reminders-sweep-minutely",
          name: REMINDERS_SWEEP_JOB,
          every: 60_000,
        }),
      ]),
    );
  });

  it("marks a removed active model unavailable and tells each admin in their language", async () => {
    await stack.db.query("INSERT INTO user_settings (user_id, locale) VALUES ($1, 'en')", [ADMINS[1]]);
    const [active] = (await registry()).filter((m) => m.active);
    expect(active?.key).toBe(SEEDED_MODELS[0]?.key);
    const paid = SEEDED_MODELS[3]?.key as string;
    stack.openrouter.setCatalog({
      models: SEEDED_MODELS.filter((m) => m.key !== active?.key).map((m) =>
        m.key === paid ? { ...m, paid: true } : m,
      ),
    });
    await runSync();

    const after = await registry();
    expect(after.filter((m) => !m.available).map((m) => m.key)).toEqual([active?.key, paid]);
    expect(messagesTo(ADMINS[0] as number).map((c) => c.payload.text)).toEqual([
      expect.stringMatching(
        new RegExp(`^⚠️ Активная модель .+ \\(${active?.key}\\) больше не доступна бесплатно`),
      ),
    ]);
    expect(messagesTo(ADMINS[1] as number).map((c) => c.payload.text)).toEqual([
      expect.stringMatching(
        new RegExp(`^⚠️ The active model .+ \\(${active?.key}\\) is no longer available for free`),
      ),
    ]);
    expect(await metric("registry_sync_total", { result: "ok" })).toBe(1);
    expect(await metric("registry_models_unavailable")).toBe(2);

    // The next day, with the model still gone: nothing new to tell.
    await runSync();
    expect(messagesTo(ADMINS[0] as number)).toHaveLength(1);
  });

  it("skips, counts and logs an entry it cannot read, and syncs the rest", async () => {
    const okBefore = (await metric("registry_sync_total", { result: "ok" })) ?? 0;
    const gone = SEEDED_MODELS[5]?.key;
    stack.openrouter.setCatalog({
      status: 200,
      body: {
        data: [
          ...SEEDED_MODELS.filter((m) => m.key !== gone).map(catalogEntry),
          { id: "broken/entry:free", name: "Broken", pricing: { prompt: "?", completion: "0" } },
        ],
      },
    });
    await runSync();

    expect(await metric("registry_sync_total", { result: "ok" })).toBe(okBefore + 1);
    expect(await metric("registry_entries_skipped_total")).toBe(1);
    expect((await registry()).find((m) => m.key === gone)?.available).toBe(false);
    expect(stack.workers[0]?.output).toMatch(
      /"skipped":1,"ids":\["broken\/entry:free"\],"msg":"model list entries skipped: unreadable"/,
    );
  });

  it("changes nothing, tells no one and counts a failure when the list cannot be read", async () => {
    const before = await registry();
    const told = messagesTo(ADMINS[0] as number).length;
    const failedBefore = (await metric("registry_sync_total", { result: "failed" })) ?? 0;
    for (const reply of [
      { status: 500, body: { error: { code: 500, message: "Internal" } } },
      { status: 200, raw: "<html>not json</html>" },
      { status: 200, body: { data: [] as unknown[] } },
    ]) {
      stack.openrouter.setCatalog(reply);
      await runSync();
    }
    expect(await registry()).toEqual(before);
    expect(messagesTo(ADMINS[0] as number)).toHaveLength(told);
    expect((await metric("registry_sync_total", { result: "failed" })) ?? 0).toBe(failedBefore + 3);
    expect(stack.workers[0]?.output).toMatch(
      /"reason":"status","status":500,"msg":"registry sync failed; nothing changed"/,
    );
  });
});
