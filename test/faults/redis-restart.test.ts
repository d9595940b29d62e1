import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { eventually } from "../support/queue.js";
import { RedisServer } from "../support/redis-server.js";
import { Stack } from "../support/stack.js";

const UNAVAILABLE = /^Вопросы к модели сейчас недоступны/;

let redis: RedisServer;
let stack: Stack;

beforeAll(async () => {
  redis = await RedisServer.start();
  // A short job lock: jobs whose completion was lost with Redis are taken over again within seconds.
  stack = await Stack.start({ workers: 1, env: { REDIS_URL: redis.url, JOB_LOCK_MS: "3000" } });
});

afterAll(async () => {
  await stack.stop();
  await redis.close();
});

describe("Redis restarted during a stream of asks", () => {
  it("answers every accepted ask afterwards, refuses asks during the outage quickly, keeps notes working", async () => {
    const users = Array.from({ length: 10 }, () => stack.telegram.newUser());
    // Slow answers, so that asks are waiting and in flight when Redis goes away.
    stack.openrouter.setDefault({ kind: "answer", content: "Ответ после рестарта", delayMs: 1_500 });
    const accepted = await Promise.all(users.map((user, i) => ask(stack, user, `до рестарта ${i}`)));

    await redis.stop();
    const outageUser = stack.telegram.newUser();
    const started = Date.now();
    const duringOutage = [];
    for (let i = 0; i < 3; i++)
      duringOutage.push((await stack.say(outageUser, `/ask во время простоя ${i}`))[0]);
    const refusalMs = Date.now() - started;
    for (const reply of duringOutage) expect(reply).toMatch(UNAVAILABLE);
    expect(refusalMs / duringOutage.length).toBeLessThan(5_000);
    expect((await stack.say(outageUser, "/note_add записано во время простоя Redis"))[0]).toMatch(
      /сохранена/,
    );

    await redis.restart();
    const answers = await Promise.all(accepted.map((pending) => pending.answer(60_000)));
    for (const answer of answers) expect(answer).toMatch(/^Ответ после рестарта\n\n\(\d+ мс; модель: /);
    for (const user of users) expect(stack.telegram.sentTo(user.id)).toHaveLength(1);

    // After the restart /ask works again, and nothing crashed.
    stack.openrouter.setDefault({ kind: "echo" });
    expect(await (await ask(stack, outageUser, "после рестарта")).answer(30_000)).toMatch(
      /^Ответ: после рестарта/,
    );
    expect(await stack.say(outageUser, "/note_count")).toEqual(["У вас 1 заметка."]);
    for (const service of [stack.gateway, ...stack.workers]) expect(service.running).toBe(true);
    console.info(
      `redis restart: ${accepted.length} asks accepted before, ${answers.length} answered once each; ` +
        `${duringOutage.length} refused during the outage in ${refusalMs} ms; 1 restart survived`,
    );
  });
});

describe("the save button while Redis is down", () => {
  it("says the queue is unavailable within seconds and saves nothing; once Redis is back it saves", async () => {
    stack.openrouter.setDefault({ kind: "echo" });
    const user = stack.telegram.newUser();
    const pending = await ask(stack, user, "что сохранить?");
    expect(await pending.answer(30_000)).toMatch(/^Ответ: что сохранить\?/);
    const markup = stack.telegram.markupOf(user.id, pending.messageId) as {
      inline_keyboard: { callback_data: string }[][];
    };
    const data = markup.inline_keyboard[0]?.[0]?.callback_data as string;
    const chat = { id: user.id, type: "private" as const, first_name: user.first_name };
    const press = async () => {
      const since = stack.telegram.calls.length;
      stack.telegram.pressButton(user, chat, pending.messageId, data);
      const call = await stack.telegram.waitForCall((c) => c.method === "answerCallbackQuery", 15_000, since);
      return { text: String(call.payload.text), alert: call.payload.show_alert === true };
    };
    const notes = async () =>
      (await stack.db.query("SELECT text FROM notes WHERE user_id = $1", [user.id])).rows as {
        text: string;
      }[];

    await redis.stop();
    const started = Date.now();
    const refused = await press();
    expect(refused.text).toMatch(UNAVAILABLE);
    expect(refused.alert).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await notes()).toEqual([]);

    await redis.restart();
    // The gateway reconnects within a couple of seconds; until then a press is refused the same way.
    const saved = await eventually(press, (answer) => !UNAVAILABLE.test(answer.text), 15_000);
    expect(saved.text).toMatch(/^Сохранено как заметка #\d+\.$/);
    const [note] = await notes();
    expect(note?.text).toContain("что сохранить?");
    expect(await notes()).toHaveLength(1);
  });
});
