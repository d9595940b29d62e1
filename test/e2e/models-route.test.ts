/** Where an ask goes, in the real PostgreSQL: the active model, or the first available fallback when it is unavailable. */
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelsRepository } from "../../services/gateway/src/features/models/repository.js";
import { createTestDatabase } from "../support/database.js";

let db: pg.Pool;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await createTestDatabase(), max: 2 });
});

afterAll(async () => {
  await db.end();
});

beforeEach(async () => {
  await db.query("UPDATE models SET available = true, context_length = 131072");
});

const unavailable = (...ids: number[]) =>
  db.query("UPDATE models SET available = false WHERE id = ANY($1)", [ids]);

// The seeded registry: model 1 active; models 3, 4 and 6 marked as fallbacks.
const LLAMA = "meta-llama/llama-3.3-70b-instruct:free";
const QWEN = "qwen/qwen3-235b-a22b:free";
const GEMMA = "google/gemma-3-27b-it:free";

describe("the registry's marked fallbacks", () => {
  const models = () => createModelsRepository(db);

  it("go after the available active model, unavailable ones left out", async () => {
    await db.query("UPDATE models SET context_length = 4096 WHERE id = 1");
    await unavailable(4);
    expect(await models().route()).toEqual({
      ok: true,
      modelKey: "deepseek/deepseek-chat-v3.1:free",
      fallbackModelKeys: [LLAMA, GEMMA],
      contextLength: 4096,
    });
  });

  it("take the ask when the active model is unavailable: the first available one, with its context length", async () => {
    await unavailable(1, 3);
    await db.query("UPDATE models SET context_length = 32768 WHERE id = 4");
    expect(await models().route()).toEqual({
      ok: true,
      modelKey: QWEN,
      fallbackModelKeys: [GEMMA],
      contextLength: 32768,
    });
  });

  it("leave a clear refusal when none is available", async () => {
    await unavailable(1, 3, 4, 6);
    expect(await models().route()).toMatchObject({ ok: false, reason: "unavailable", model: { id: 1 } });
  });
});

describe("FALLBACK_MODELS", () => {
  it("skips the keys the registry knows as unavailable and keeps the ones it does not know", async () => {
    await unavailable(1, 3);
    await db.query("UPDATE models SET context_length = NULL WHERE id = 4");
    const models = createModelsRepository(db, [LLAMA, "vendor/unknown:free", QWEN]);
    expect(await models.route()).toEqual({
      ok: true,
      modelKey: "vendor/unknown:free",
      fallbackModelKeys: [QWEN],
      contextLength: undefined,
    });
  });
});
