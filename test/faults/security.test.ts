import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

const OPENROUTER_KEY = "sk-or-test-secret-key-0123456789";
const allowed = { id: 51_001, is_bot: false, first_name: "Свой" } as const;
const admin = { id: 51_002, is_bot: false, first_name: "Админ" } as const;

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: {
      ALLOWED_USER_IDS: `${allowed.id},${admin.id}`,
      ADMIN_USER_IDS: String(admin.id),
      ASK_USER_LIMIT_PER_MINUTE: "3",
      ASK_MAX_ATTEMPTS: "1",
      OPENROUTER_API_KEY: OPENROUTER_KEY,
      LOG_LEVEL: "debug",
    },
  });
});

afterAll(async () => {
  await stack.stop();
});

const waitingJobs = async () => {
  const redis = new Redis(inject("redisUrl"));
  const count = await redis.zcard(`${stack.env.QUEUE_PREFIX}:ask:wait`);
  const list = await redis.llen(`${stack.env.QUEUE_PREFIX}:ask:wait`);
  redis.disconnect();
  return count + list;
};

describe("security", () => {
  it("a user outside ALLOWED_USER_IDS gets nothing done", async () => {
    const outsider = stack.telegram.newUser();
    const refusal = "Извините, этот бот доступен только приглашённым пользователям.";
    const requests = stack.openrouter.requests.length;
    for (const command of ["/note_add чужое", "/note_list", "/ask вопрос", "/model 2", "/models"]) {
      expect(await stack.say(outsider, command), command).toEqual([refusal]);
    }
    // A button press (here on the refusal itself) is refused too, and saves nothing.
    const [shown] = stack.telegram.sentTo(outsider.id);
    const chat = { id: outsider.id, type: "private" as const, first_name: outsider.first_name };
    const since = stack.telegram.calls.length;
    stack.telegram.pressButton(outsider, chat, shown?.messageId as number, "save:tg-update-1");
    const answered = await stack.telegram.waitForCall(
      (c) => c.method === "answerCallbackQuery",
      15_000,
      since,
    );
    expect(answered.payload.text).toBe(refusal);
    const { rows } = await stack.db.query("SELECT count(*)::int AS n FROM notes WHERE user_id = $1", [
      outsider.id,
    ]);
    expect(rows[0].n).toBe(0);
    expect(stack.openrouter.requests.length).toBe(requests);
    expect((await stack.db.query("SELECT id FROM models WHERE active")).rows).toEqual([{ id: 1 }]);
  });

  it("a non-admin cannot switch the model when ADMIN_USER_IDS is set", async () => {
    expect(await stack.say(allowed, "/model 2")).toEqual([
      `Менять модель могут только администраторы бота. Ничего не изменено.\nВаш Telegram id: ${allowed.id}. Чтобы сделать вас администратором, владелец бота добавляет его в переменную ADMIN_USER_IDS.`,
    ]);
    expect((await stack.db.query("SELECT id FROM models WHERE active")).rows).toEqual([{ id: 1 }]);
    expect((await stack.say(admin, "/model 1"))[0]).toMatch(/^Готово/);
  });

  it("the per-user /ask limit answers the excess clearly and enqueues nothing", async () => {
    for (let i = 0; i < 3; i++)
      expect(await (await ask(stack, allowed, `вопрос ${i}`)).answer()).toMatch(/^Ответ/);
    const before = stack.openrouter.requests.length;
    expect(await stack.say(allowed, "/ask четвёртый")).toEqual([
      "Слишком много вопросов: не больше 3 в минуту. Подождите немного и спросите снова.",
    ]);
    expect(await waitingJobs()).toBe(0);
    expect(stack.openrouter.requests.length).toBe(before);
    // Another user has a limit of their own.
    expect(await (await ask(stack, admin, "мой вопрос")).answer()).toMatch(/^Ответ/);
  });

  it("the bot token and the OpenRouter key never appear in logs or user-visible text, even when requests fail", async () => {
    // OpenRouter refuses the key and echoes it back in its error; Telegram fails a reply.
    stack.openrouter.enqueue({ kind: "error", status: 401, message: `Invalid key ${OPENROUTER_KEY}` });
    expect(await (await ask(stack, admin, "с плохим ключом")).answer()).toMatch(/^Ошибка: \[401\]/);
    stack.telegram.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    expect(await stack.say(admin, "/note_count")).toEqual([
      "Что-то пошло не так. Попробуйте ещё раз чуть позже.",
    ]);
    await stack.gateway.waitForOutput(/chat not found/);
    const token = stack.telegram.token;
    const visible = stack.telegram.calls.map((c) => JSON.stringify(c.payload)).join("\n");
    const logs = [stack.gateway, ...stack.workers].map((s) => s.output).join("\n");
    for (const secret of [token, token.split(":")[1] as string, OPENROUTER_KEY]) {
      expect(visible).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    // The failure that carried the key was logged, with the key scrubbed.
    expect(logs).toMatch(/Invalid key \[REDACTED\]/);
    console.info(
      `security: outsider refused 5/5, non-admin switch refused, 4th ask refused, ` +
        `${logs.split("\n").length} log lines without the token or key`,
    );
  });
});
