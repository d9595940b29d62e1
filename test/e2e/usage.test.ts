/**
 * `/usage` through the real gateway: the sender's asks and tokens from `ask_usage` (rows the worker
 * writes, inserted here directly), and for admins the bot's totals and the key's state from the fake
 * OpenRouter's `GET /key`; and what admins see when OpenRouter cannot be reached at all.
 */
import type { User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.js";

// Fixed ids: the gateway reads ADMIN_USER_IDS at start-up; far from newUser()'s range.
const admin: User = { id: 44_001, is_bot: false, first_name: "Админ" };
const user: User = { id: 44_002, is_bot: false, first_name: "Пользователь" };
const other: User = { id: 44_003, is_bot: false, first_name: "Другой" };

let bot: Stack;

beforeAll(async () => {
  bot = await Stack.start({ env: { ADMIN_USER_IDS: String(admin.id) } });
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0]);
});

const reply = async (stack: Stack, from: User, text: string) => (await stack.say(from, text))[0] ?? "";

let jobs = 0;
/** One answered ask's row, as the worker writes it; `daysAgo` moves it before today (UTC). */
async function answered(from: User, prompt: number, completion: number, daysAgo = 0) {
  jobs += 1;
  await bot.db.query(
    `INSERT INTO ask_usage (user_id, job_id, model_key, prompt_tokens, completion_tokens, cost, created_at)
     VALUES ($1, $2, 'deepseek/deepseek-chat-v3.1:free', $3, $4, 0, now() - make_interval(days => $5))`,
    [from.id, `test-job-${jobs}`, prompt, completion, daysAgo],
  );
}

describe("/usage", () => {
  it("shows the sender's own asks and tokens, today and in total, and nobody else's", async () => {
    expect(await reply(bot, user, "/usage")).toBe(
      "Ваши вопросы сегодня (UTC): 0, токенов: 0.\nВсего: 0, токенов: 0.",
    );
    await answered(user, 12, 7);
    await answered(user, 100, 50);
    await answered(user, 5, 5);
    await answered(user, 60, 40, 2);
    await answered(other, 1_000, 1_000);
    expect(await reply(bot, user, "/usage")).toBe(
      "Ваши вопросы сегодня (UTC): 3, токенов: 179.\nВсего: 4, токенов: 279.",
    );
    expect(await reply(bot, other, "/usage")).toBe(
      "Ваши вопросы сегодня (UTC): 1, токенов: 2000.\nВсего: 1, токенов: 2000.",
    );
    expect(await reply(bot, user, "/usage всё")).toMatch(/без аргументов/);
  });

  it("shows admins the bot's totals, the key's state and about how many free requests are left", async () => {
    // The rows of the test above: 4 asks today (3 + 1), 5 in all.
    bot.openrouter.setKeyState({
      data: { label: "k", limit: 10, limit_remaining: 7.5, usage_daily: 0.25, is_free_tier: false },
    });
    const keyRequests = () => bot.openrouter.requests.filter((r) => r.path.endsWith("/key"));
    const before = keyRequests().length;
    // Credits were bought, but whether 10 or more is not said: the cap is 50 or 1000, and the text says so.
    expect((await reply(bot, admin, "/usage")).split("\n")).toEqual([
      "Ваши вопросы сегодня (UTC): 0, токенов: 0.",
      "Всего: 0, токенов: 0.",
      "",
      "Бот в целом сегодня: вопросов 4, токенов 2179; всего: вопросов 5, токенов 2279.",
      "Ключ OpenRouter: кредиты покупались; лимит кредитов 10, из него осталось 7.5; потрачено сегодня: 0.25.",
      "Бесплатные запросы: вопросов, на которые бот ответил сегодня, — 4. OpenRouter разрешает 50 запросов к бесплатным моделям в день или 1000, если всего куплено не меньше 10 кредитов; по состоянию ключа не понять, какой предел действует (сбрасывается в 00:00 UTC).",
    ]);

    expect(
      keyRequests()
        .slice(before)
        .map((r) => r.headers.authorization),
    ).toEqual(["Bearer test-openrouter-key"]);

    // OpenRouter's own count of the day, where the key reports it (it counts failed requests too).
    bot.openrouter.setKeyState({
      data: {
        label: "k",
        limit: null,
        limit_remaining: null,
        usage_daily: 1.5,
        is_free_tier: false,
        free_model_daily_requests: { limit: 1000, remaining: 990, used: 10 },
      },
    });
    expect((await reply(bot, admin, "/usage")).split("\n").slice(-2)).toEqual([
      "Ключ OpenRouter: кредиты покупались; своего лимита кредитов нет; потрачено сегодня: 1.5.",
      "Бесплатных запросов сегодня осталось примерно 990 из 1000 (сбрасывается в 00:00 UTC).",
    ]);

    bot.openrouter.setKeyState({
      data: { label: "k", limit: null, limit_remaining: null, usage_daily: 0, is_free_tier: true },
    });
    const free = (await reply(bot, admin, "/usage")).split("\n");
    expect(free.slice(-2)).toEqual([
      "Ключ OpenRouter: бесплатный уровень (кредиты не покупались); своего лимита кредитов нет; потрачено сегодня: 0.",
      "Бесплатных запросов сегодня осталось примерно 46 из 50 (сбрасывается в 00:00 UTC).",
    ]);

    // More asks today than the cap: never a negative count.
    for (let i = 0; i < 47; i++) await answered(other, 1, 1);
    expect((await reply(bot, admin, "/usage")).split("\n").at(-1)).toBe(
      "Бесплатных запросов сегодня осталось примерно 0 из 50 (сбрасывается в 00:00 UTC).",
    );

    // Users who are not admins see only their own.
    expect((await reply(bot, user, "/usage")).split("\n")).toHaveLength(2);
  });

  it("says when the key's state cannot be read, and still shows the usage", async () => {
    bot.openrouter.setKeyState({ status: 500, body: { error: { code: 500, message: "Internal" } } });
    const lines = (await reply(bot, admin, "/usage")).split("\n");
    expect(lines[3]).toMatch(/^Бот в целом сегодня: вопросов 51,/);
    expect(lines.at(-1)).toBe("Состояние ключа OpenRouter сейчас не узнать (500).");
    bot.openrouter.setKeyState({ status: 200, raw: "not json" });
    expect((await reply(bot, admin, "/usage")).split("\n").at(-1)).toBe(
      "Состояние ключа OpenRouter сейчас не узнать (malformed).",
    );
  });
});

describe("when OpenRouter cannot be reached", () => {
  let cut: Stack;

  beforeAll(async () => {
    // Nothing listens on port 9 of the loopback (discard): every connection is refused.
    cut = await Stack.start({
      env: { ADMIN_USER_IDS: String(admin.id), OPENROUTER_BASE_URL: "http://127.0.0.1:9/api/v1" },
    });
  });

  afterAll(async () => {
    expect(await cut.stop()).toEqual([0]);
  });

  it("/usage says the key's state is unknown and /models_sync changes nothing", async () => {
    expect((await reply(cut, admin, "/usage")).split("\n").at(-1)).toBe(
      "Состояние ключа OpenRouter сейчас не узнать (network).",
    );
    const before = (await cut.db.query("SELECT * FROM models ORDER BY id")).rows;
    expect(await reply(cut, admin, "/models_sync")).toBe(
      "Сверка с OpenRouter не удалась (network): ничего не изменено.",
    );
    expect((await cut.db.query("SELECT * FROM models ORDER BY id")).rows).toEqual(before);
  });
});
