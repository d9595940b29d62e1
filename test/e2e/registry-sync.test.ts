/** The registry against OpenRouter's model list: the real PostgreSQL and migrations, the fake's `GET /models`. */
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchCatalog, syncRegistry } from "../../shared/src/registry/index.js";
import { createTestDatabase } from "../support/database.js";
import {
  catalogEntry,
  type FakeCatalogModel,
  type FakeOpenRouter,
  SEEDED_MODELS,
  startFakeOpenRouter,
} from "../support/fake-openrouter.js";

let db: pg.Pool;
let openrouter: FakeOpenRouter;

beforeAll(async () => {
  [db, openrouter] = await Promise.all([
    createTestDatabase().then((url) => new pg.Pool({ connectionString: url, max: 2 })),
    startFakeOpenRouter(),
  ]);
});

afterAll(async () => {
  await Promise.all([db.end(), openrouter.close()]);
});

beforeEach(async () => {
  await db.query("UPDATE models SET available = true, context_length = NULL, checked_at = NULL");
});

const source = () => ({ baseUrl: openrouter.baseUrl, apiKey: "test-openrouter-key", timeoutMs: 5_000 });

const registry = async () =>
  (
    await db.query<{ id: number; key: string; available: boolean; context_length: number | null }>(
      "SELECT id, key, available, context_length FROM models ORDER BY id",
    )
  ).rows;

async function sync() {
  const catalog = await fetchCatalog(source());
  if (!catalog.ok) throw new Error(`catalog failed: ${JSON.stringify(catalog)}`);
  return syncRegistry(db, catalog.models);
}

describe("registry sync", () => {
  it("keeps every seeded model available when the list has them all free, with their context lengths", async () => {
    openrouter.setCatalog({ models: SEEDED_MODELS });
    const report = await sync();
    expect(report).toMatchObject({
      madeUnavailable: [],
      madeAvailable: [],
      newFree: [],
      total: 12,
      available: 12,
    });
    expect((await registry()).every((m) => m.available && m.context_length === 131_072)).toBe(true);
  });

  it("stores what each model takes (architecture.input_modalities); a model no longer listed keeps what was known", async () => {
    const [seeing, hearing, gone] = SEEDED_MODELS as [FakeCatalogModel, FakeCatalogModel, FakeCatalogModel];
    openrouter.setCatalog({
      models: [
        { ...seeing, inputModalities: ["text", "image"] },
        { ...hearing, inputModalities: ["text", "audio", "file"] },
        { ...gone, inputModalities: ["image", "text"] },
        ...SEEDED_MODELS.slice(3),
      ],
    });
    await sync();
    openrouter.setCatalog({ models: SEEDED_MODELS.filter((m) => m.key !== gone.key) });
    await sync();

    const { rows } = await db.query<{ key: string; input_modalities: string[] | null }>(
      "SELECT key, input_modalities FROM models WHERE key = ANY($1) ORDER BY id",
      [[seeing.key, hearing.key, gone.key]],
    );
    expect(rows).toEqual([
      { key: seeing.key, input_modalities: ["text"] },
      { key: hearing.key, input_modalities: ["text"] },
      { key: gone.key, input_modalities: ["image", "text"] },
    ]);
  });

  it("marks a removed and a no longer free model unavailable, keeps their rows and ids, and lists a new free one", async () => {
    const before = await registry();
    const removed = SEEDED_MODELS[1]?.key as string;
    const madePaid = SEEDED_MODELS[2]?.key as string;
    openrouter.setCatalog({
      models: [
        ...SEEDED_MODELS.filter((m) => m.key !== removed).map((m) =>
          m.key === madePaid ? { ...m, paid: true } : m,
        ),
        { key: "acme/new-model:free", name: "Acme New", contextLength: 8_192 },
        { key: "acme/paid-model", paid: true },
      ],
    });
    const report = await sync();
    expect(report.madeUnavailable.map((m) => m.key)).toEqual([removed, madePaid]);
    expect(report.newFree).toEqual([
      {
        key: "acme/new-model:free",
        name: "Acme New",
        contextLength: 8_192,
        free: true,
        inputModalities: ["text"],
      },
    ]);
    expect(report.activeLost).toBeUndefined();
    expect(report.available).toBe(10);
    const after = await registry();
    expect(after.map((m) => [m.id, m.key])).toEqual(before.map((m) => [m.id, m.key]));
    expect(after.filter((m) => !m.available).map((m) => m.key)).toEqual([removed, madePaid]);

    // Back on the list and free again: available again.
    openrouter.setCatalog({ models: SEEDED_MODELS });
    expect((await sync()).madeAvailable.map((m) => m.key)).toEqual([removed, madePaid]);
  });

  it("reports the active model when it goes", async () => {
    const active = SEEDED_MODELS[0]?.key as string;
    openrouter.setCatalog({ models: SEEDED_MODELS.filter((m) => m.key !== active) });
    const report = await sync();
    expect(report.activeLost).toMatchObject({ id: 1, key: active, active: true, available: false });
  });

  it("refuses a failed or malformed list whole, so nothing changes", async () => {
    await sync(); // the default list: all available
    const before = await registry();
    const answers = [
      [
        { status: 500, body: { error: { code: 500, message: "Internal" } } },
        { ok: false, reason: "status", status: 500 },
      ],
      [
        { status: 200, raw: "<html>not json</html>" },
        { ok: false, reason: "malformed" },
      ],
      [
        { status: 200, body: { data: [{ id: 7, name: "x" }] } },
        { ok: false, reason: "malformed" },
      ],
      [
        { status: 200, body: { models: [] } },
        { ok: false, reason: "malformed" },
      ],
      [
        {
          status: 200,
          body: { data: [{ id: "a", name: "a", pricing: { prompt: "free", completion: "0" } }] },
        },
        { ok: false, reason: "malformed" },
      ],
    ] as const;
    for (const [reply, expected] of answers) {
      openrouter.setCatalog(reply);
      expect(await fetchCatalog(source())).toEqual(expected);
    }
    expect(await registry()).toEqual(before);
  });

  it("skips an entry it cannot read and syncs the rest; a router priced -1 is read as not free", async () => {
    const router = {
      ...catalogEntry({ key: "openrouter/auto", name: "Auto Router", contextLength: 2_000_000 }),
      pricing: { prompt: "-1", completion: "-1", request: "-1", image: "-1" },
      top_provider: { context_length: null, max_completion_tokens: null, is_moderated: false },
    };
    const unreadable = [
      { ...catalogEntry({ key: "broken/no-pricing:free" }), pricing: undefined },
      { ...catalogEntry({ key: "broken/price-words:free" }), pricing: { prompt: "free", completion: "0" } },
      { name: "no id at all", pricing: { prompt: "0", completion: "0" } },
    ];
    openrouter.setCatalog({
      status: 200,
      body: { data: [...SEEDED_MODELS.map(catalogEntry), router, ...unreadable] },
    });

    const catalog = await fetchCatalog(source());

    expect(catalog).toMatchObject({
      ok: true,
      skipped: ["broken/no-pricing:free", "broken/price-words:free", `#${SEEDED_MODELS.length + 3}`],
    });
    const models = catalog.ok ? catalog.models : [];
    expect(models).toHaveLength(SEEDED_MODELS.length + 1);
    expect(models.find((m) => m.key === "openrouter/auto")).toEqual({
      key: "openrouter/auto",
      name: "Auto Router",
      contextLength: 2_000_000,
      free: false,
      inputModalities: ["text"],
    });
    const report = await syncRegistry(db, models);
    expect(report.available).toBe(SEEDED_MODELS.length);
    expect(report.madeUnavailable).toEqual([]);
  });

  it("takes the smaller of the model's and its top provider's context length", async () => {
    const [first, second] = SEEDED_MODELS.map((m) => m.key) as [string, string];
    openrouter.setCatalog({
      status: 200,
      body: {
        data: SEEDED_MODELS.map(catalogEntry).map((entry) =>
          entry.id === first
            ? { ...entry, context_length: 163_840, top_provider: { context_length: 32_768 } }
            : entry.id === second
              ? { ...entry, context_length: 8_192, top_provider: { context_length: 65_536 } }
              : entry,
        ),
      },
    });

    await sync();

    const rows = await registry();
    expect(rows.find((r) => r.key === first)?.context_length).toBe(32_768);
    expect(rows.find((r) => r.key === second)?.context_length).toBe(8_192);
  });

  it("says a network failure is one", async () => {
    expect(await fetchCatalog({ ...source(), baseUrl: "http://127.0.0.1:9/api/v1" })).toEqual({
      ok: false,
      reason: "network",
    });
  });
});
