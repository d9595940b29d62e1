/**
 * The registry following OpenRouter, through the real gateway and a worker: `/models_sync`, `/models`,
 * `/model` of an unavailable model, `/model_add`, and asks going to a fallback when the active model is
 * gone; the fake OpenRouter's `GET /models` scripted per test.
 */
import type { User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelView } from "../../shared/src/domain/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { ask } from "../support/ask.js";
import { type FakeCatalogModel, SEEDED_MODELS } from "../support/fake-openrouter.js";
import { sample, scrape } from "../support/metrics.js";
import { eventually, waitForJob } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let bot: Stack;
// Fixed ids: the gateway reads ADMIN_USER_IDS at start-up; far from newUser()'s range.
const admin: User = { id: 43_001, is_bot: false, first_name: "Админ" };
const user: User = { id: 43_002, is_bot: false, first_name: "Пользователь" };

const [active, removed, madePaid, firstFallback] = SEEDED_MODELS.map((m) => m.key) as [
  string,
  string,
  string,
  string,
];
const texts = createLocalizer().of("ru");
const ADMINS_ONLY = texts.adminsOnly(user.id);
/** A model as the replies name it (by its label and key). */
const named = (id: number, label: string, key: string): ModelView => ({
  id,
  key,
  label,
  active: false,
  available: false,
  contextLength: null,
});
const NEW_MODEL = { key: "acme/new-model:free", name: "Acme New", contextLength: 8_192 };

beforeAll(async () => {
  bot = await Stack.start({
    workers: 1,
    env: {
      ADMIN_USER_IDS: String(admin.id),
      // Model 3 (made paid below), then model 4: the first available fallback is model 4.
      FALLBACK_MODELS: `${madePaid},${firstFallback}`,
      ASK_MAX_ATTEMPTS: "1",
    },
  });
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0, 0]);
});

const registry = async () =>
  (
    await bot.db.query<{
      id: number;
      key: string;
      label: string;
      active: boolean;
      available: boolean;
      context_length: number | null;
    }>("SELECT id, key, label, active, available, context_length FROM models ORDER BY id")
  ).rows;

const reply = async (from: User, text: string) => (await bot.say(from, text))[0] ?? "";

const gatewayMetric = async (result: string) =>
  sample(await scrape(await bot.gateway.metricsUrl()), "registry_sync_total", { result });

/** A list like OpenRouter's: the seeded models without `removed`, `madePaid` paid, a new free one and a paid one. */
const changedList: FakeCatalogModel[] = [
  ...SEEDED_MODELS.filter((m) => m.key !== removed).map((m) =>
    m.key === madePaid ? { ...m, paid: true } : m,
  ),
  NEW_MODEL,
  { key: "acme/paid-model", name: "Acme Paid", paid: true },
];

describe("the registry follows OpenRouter's list", () => {
  it("a sync marks a removed and a paid model unavailable, lists the new free one; only admins sync", async () => {
    bot.openrouter.setCatalog({ models: changedList });
    const before = await registry();
    expect(await reply(user, "/models_sync")).toBe(ADMINS_ONLY);
    expect(await registry()).toEqual(before);

    const report = await reply(admin, "/models_sync");
    expect(report.split("\n")).toEqual([
      "Сверка с OpenRouter: доступно 10 из 12.",
      `Стали недоступны: ${removed}, ${madePaid}.`,
      "Новые бесплатные модели (добавить: /model_add <key>):",
      "acme/new-model:free — Acme New, контекст 8192",
    ]);
    const after = await registry();
    expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(after.filter((m) => !m.available).map((m) => m.key)).toEqual([removed, madePaid]);
    expect(await gatewayMetric("ok")).toBe(1);

    const list = (await reply(user, "/models")).split("\n");
    expect(list).toContain(`★ 1. DeepSeek V3.1 — ${active}, контекст 131072`);
    // Never seen on the list: no context length known.
    expect(list).toContain(`   2. DeepSeek R1 0528 — ${removed} (недоступна)`);
    expect(list).toContain(`   3. Llama 3.3 70B Instruct — ${madePaid}, контекст 131072 (недоступна)`);
    expect(list.filter((l) => l.endsWith("(недоступна)"))).toHaveLength(2);

    // Synced again with nothing changed: the report says so.
    expect((await reply(admin, "/models_sync")).split("\n")[0]).toBe(
      "Сверка с OpenRouter: доступно 10 из 12.",
    );
    expect(await reply(admin, "/models_sync лишнее")).toBe(texts.noArguments("models_sync"));
  });

  it("an unavailable model cannot be made active, with a clear reply", async () => {
    bot.openrouter.setCatalog({ models: changedList });
    await reply(admin, "/models_sync");
    expect(await reply(admin, "/model 2")).toBe(
      texts.modelUnavailable(named(2, "DeepSeek R1 0528", removed)),
    );
    expect((await registry()).filter((m) => m.active).map((m) => m.id)).toEqual([1]);
    expect(await reply(admin, "/model 4")).toMatch(/^Готово\. Активная модель: ★ Qwen3 235B/);

    // A sync marking model 5 unavailable holds the registry's lock while /model 5 comes: the switch
    // waits for it and then refuses, instead of activating a model the sync has just marked.
    const sync = await bot.db.connect();
    try {
      await sync.query("BEGIN");
      await sync.query("LOCK TABLE models IN EXCLUSIVE MODE");
      await sync.query("UPDATE models SET available = false WHERE id = 5");
      const refused = reply(admin, "/model 5");
      // The switch is waiting for the lock (PostgreSQL has no event for it: polled, bounded).
      const waitingForLock = async () =>
        (
          await bot.db.query(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'models' AND NOT l.granted",
          )
        ).rows.length > 0;
      expect(await eventually(waitingForLock, (waiting) => waiting)).toBe(true);
      await sync.query("COMMIT");
      expect(await refused).toBe(
        texts.modelUnavailable(named(5, "Qwen3 Coder 480B", "qwen/qwen3-coder:free")),
      );
    } finally {
      sync.release();
    }
    expect((await registry()).filter((m) => m.active).map((m) => m.id)).toEqual([4]);

    expect(await reply(admin, "/model 1")).toMatch(/^Готово\. Активная модель: ★ DeepSeek V3\.1/);
  });

  it("an admin adds a new free model from the list, once; a paid, unknown or malformed key is refused", async () => {
    bot.openrouter.setCatalog({ models: changedList });
    expect(await reply(user, `/model_add ${NEW_MODEL.key}`)).toBe(ADMINS_ONLY);
    expect(await reply(admin, "/model_add")).toBe(texts.modelAdd.usage);
    for (const key of ["acme/paid-model", "acme/nothing:free", "не ключ"]) {
      expect(await reply(admin, `/model_add ${key}`), key).toBe(texts.modelAdd.notListed(key));
    }
    expect(await registry()).toHaveLength(12);

    expect(await reply(admin, `/model_add ${NEW_MODEL.key}`)).toBe(
      texts.modelAdd.added({ id: 13, key: NEW_MODEL.key, label: "Acme New" }),
    );
    expect((await registry()).at(-1)).toEqual({
      id: 13,
      key: NEW_MODEL.key,
      label: "Acme New",
      active: false,
      available: true,
      context_length: 8_192,
    });
    expect(await reply(admin, `/model_add ${NEW_MODEL.key}`)).toBe(texts.modelAdd.exists(NEW_MODEL.key, 13));
    expect(await reply(admin, `/model_add ${removed}`)).toBe(texts.modelAdd.exists(removed, 2));
    expect(await registry()).toHaveLength(13);
    expect((await reply(user, "/models")).split("\n")).toContain(
      `   13. Acme New — ${NEW_MODEL.key}, контекст 8192`,
    );
    // No longer new.
    expect(await reply(admin, "/models_sync")).toContain(texts.sync.noneNew);
  });

  it("a list that fails (500, not JSON, a wrong shape) changes nothing and says so", async () => {
    bot.openrouter.setCatalog({ models: changedList });
    await reply(admin, "/models_sync");
    const before = await registry();
    const failedBefore = (await gatewayMetric("failed")) ?? 0;
    expect(failedBefore).toBe(0);
    // Everything would go unavailable if a failure were taken for an empty list.
    bot.openrouter.setCatalog({ status: 500, body: { error: { code: 500, message: "Internal" } } });
    expect(await reply(admin, "/models_sync")).toBe(texts.sync.failed("HTTP 500"));
    expect(await reply(admin, "/model_add acme/other:free")).toBe(texts.sync.failed("HTTP 500"));
    bot.openrouter.setCatalog({ status: 200, raw: "<html>not json" });
    expect(await reply(admin, "/models_sync")).toBe(texts.sync.failed("malformed"));
    bot.openrouter.setCatalog({ status: 200, body: { data: [{ id: active }] } });
    expect(await reply(admin, "/models_sync")).toBe(texts.sync.failed("malformed"));
    expect(await registry()).toEqual(before);
    expect(await gatewayMetric("failed")).toBe(3);
  });

  it("asks go to the first available fallback when the active model is gone, with its context length", async () => {
    // The active model (1) is gone too; fallback 3 is paid, so 4 answers.
    bot.openrouter.setCatalog({
      models: changedList
        .filter((m) => m.key !== active)
        .map((m) => (m.key === firstFallback ? { ...m, contextLength: 40_000 } : m)),
    });
    expect((await reply(admin, "/models_sync")).split("\n").slice(1, 3)).toEqual([
      `Стали недоступны: ${active}.`,
      `⚠️ Активная модель DeepSeek V3.1 (${active}) стала недоступна: вопросы идут к первой доступной запасной модели. Выберите другую: /model <id>`,
    ]);
    const question = await ask(bot, user, "кто ответит?");
    expect(await question.answer()).toMatch(
      new RegExp(`модель: ${firstFallback.replace(/[/.]/g, "\\$&")}\\)$`),
    );
    const models = bot.openrouter.requests
      .filter((r) => r.path.endsWith("/chat/completions"))
      .map((r) => r.model);
    expect(models.at(-1)).toBe(firstFallback);
    expect(models).not.toContain(active);
    let job: Record<string, unknown> = {};
    await waitForJob(bot, question.update.update_id, (fields) => {
      job = JSON.parse(fields.data ?? "{}");
      return fields.data !== undefined;
    });
    expect(job).toMatchObject({ modelKey: firstFallback, fallbackModelKeys: [], contextLength: 40_000 });

    // Nothing available at all: a clear reply, no job.
    bot.openrouter.setCatalog({ models: [{ key: "acme/elsewhere:free" }] });
    await reply(admin, "/models_sync");
    const sent = bot.openrouter.requests.length;
    expect(await reply(user, "/ask и теперь?")).toBe(
      texts.noAvailableModel(named(1, "DeepSeek V3.1", active)),
    );
    expect(bot.openrouter.requests.length).toBe(sent);

    // Back on the list: the active model answers again.
    bot.openrouter.setCatalog({ models: SEEDED_MODELS });
    expect(await reply(admin, "/models_sync")).toContain("доступно 12 из 13");
    expect(await (await ask(bot, user, "а теперь?")).answer()).toMatch(
      /модель: deepseek\/deepseek-chat-v3\.1:free\)$/,
    );
  });
});
