/** Usage per ask in the real PostgreSQL, and the key's state from the fake OpenRouter's `GET /key`. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUsageStore, fetchKeyState, type UsageStore } from "../../shared/src/usage/index.js";
import { createTestDatabase } from "../support/database.js";
import { type FakeOpenRouter, startFakeOpenRouter } from "../support/fake-openrouter.js";

let db: pg.Pool;
let usage: UsageStore;
let openrouter: FakeOpenRouter;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await createTestDatabase(), max: 2 });
  usage = createUsageStore(db);
  openrouter = await startFakeOpenRouter();
});

afterAll(async () => {
  await Promise.all([db.end(), openrouter.close()]);
});

const ask = (userId: number, jobId: string, promptTokens: number, completionTokens: number, cost = 0) => ({
  userId,
  jobId,
  modelKey: "deepseek/deepseek-chat-v3.1:free",
  promptTokens,
  completionTokens,
  cost,
});

describe("usage store", () => {
  it("sums a user's asks and tokens today and in total, without anyone else's", async () => {
    await usage.record(ask(1, "job-a", 10, 5));
    await usage.record(ask(1, "job-b", 20, 7, 0.0025));
    await usage.record(ask(1, "job-c", 3, 4));
    await usage.record(ask(2, "job-d", 1000, 1000));
    // Yesterday's ask counts in the total only.
    await usage.record(ask(1, "job-e", 100, 100));
    await db.query(
      "UPDATE ask_usage SET created_at = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 minute' WHERE job_id = 'job-e'",
    );

    expect(await usage.ofUser(1)).toEqual({
      today: { asks: 3, tokens: 49, cost: 0.0025 },
      total: { asks: 4, tokens: 249, cost: 0.0025 },
    });
    expect(await usage.ofUser(3)).toEqual({
      today: { asks: 0, tokens: 0, cost: 0 },
      total: { asks: 0, tokens: 0, cost: 0 },
    });
    expect((await usage.ofBot()).total).toEqual({ asks: 5, tokens: 2249, cost: 0.0025 });
  });

  it("counts a job recorded twice (a re-run after a crash) once", async () => {
    await usage.record(ask(5, "job-twice", 10, 10));
    await usage.record(ask(5, "job-twice", 10, 10));
    expect((await usage.ofUser(5)).total.asks).toBe(1);
  });
});

describe("key state", () => {
  const source = () => ({ baseUrl: openrouter.baseUrl, apiKey: "test-openrouter-key", timeoutMs: 5_000 });

  it("reads the key's limits and the daily cap of free requests OpenRouter documents", async () => {
    openrouter.setKeyState({
      data: {
        label: "bot",
        limit: 10,
        limit_remaining: 7.5,
        usage: 2.5,
        usage_daily: 0.5,
        is_free_tier: false,
      },
    });
    expect(await fetchKeyState(source())).toEqual({
      ok: true,
      key: {
        label: "bot",
        limit: 10,
        limitRemaining: 7.5,
        usageDaily: 0.5,
        isFreeTier: false,
        // Credits were bought, but 10 or more? 1000 a day only then: not known from this key state.
        freeRequestsPerDay: undefined,
        freeRequestsLeft: undefined,
      },
    });
    openrouter.setKeyState({ data: { limit: null, limit_remaining: null, is_free_tier: true } });
    const free = await fetchKeyState(source());
    expect(free.ok && free.key.freeRequestsPerDay).toBe(50);
    openrouter.setKeyState({
      data: {
        limit: null,
        limit_remaining: null,
        is_free_tier: false,
        free_model_daily_requests: { limit: 1000, remaining: 12, used: 988 },
      },
    });
    const reported = await fetchKeyState(source());
    expect(reported.ok && reported.key).toMatchObject({ freeRequestsPerDay: 1000, freeRequestsLeft: 12 });
    expect(openrouter.requests.at(-1)?.headers.authorization).toBe("Bearer test-openrouter-key");
  });

  it("says why it could not read the state", async () => {
    openrouter.setKeyState({ status: 401, body: { error: { code: 401, message: "No auth" } } });
    expect(await fetchKeyState(source())).toEqual({ ok: false, reason: "401" });
    openrouter.setKeyState({ status: 200, raw: "nope" });
    expect(await fetchKeyState(source())).toEqual({ ok: false, reason: "malformed" });
  });
});
