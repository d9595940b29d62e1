import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const STORAGE_UNAVAILABLE =
  "Хранилище заметок временно недоступно. Попробуйте через минуту — ничего не потеряно.";

let proxy: TcpProxy;
let stack: Stack;

beforeAll(async () => {
  const server = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
  stack = await Stack.start({ databasePort: proxy.port });
});

afterAll(async () => {
  await stack.stop();
  await proxy.close();
});

describe("PostgreSQL unavailable for a while", () => {
  it("answers 'storage unavailable' during the outage, recovers by itself, loses nothing", async () => {
    const user = stack.telegram.newUser();
    const before = ["первая", "вторая", "третья"];
    for (const text of before) expect((await stack.say(user, `/note_add ${text}`))[0]).toMatch(/сохранена/);

    proxy.block();
    const commands = [
      "/note_add во время простоя",
      "/note_list",
      "/note_count",
      "/note_find перв",
      "/models",
    ];
    const started = Date.now();
    for (const command of commands)
      expect(await stack.say(user, command), command).toEqual([STORAGE_UNAVAILABLE]);
    const outageMs = Date.now() - started;
    // Commands that need no database still work.
    expect((await stack.say(user, "/help"))[0]).toMatch(/^Команды:/);
    expect(stack.gateway.running).toBe(true);

    proxy.unblock();
    expect(await stack.say(user, "/note_count")).toEqual(["У вас 3 заметки."]);
    expect((await stack.say(user, "/note_add после простоя"))[0]).toMatch(/сохранена/);
    const { rows } = await stack.db.query("SELECT text FROM notes WHERE user_id = $1 ORDER BY id", [user.id]);
    expect(rows.map((r) => r.text)).toEqual([...before, "после простоя"]);
    console.info(
      `postgres outage: ${commands.length} commands refused in ${outageMs} ms, ${before.length} notes kept, ` +
        "0 written during the outage, gateway recovered without restart",
    );
  });
});

describe("PostgreSQL unavailable while the worker reads or writes the conversation memory", () => {
  it("answers anyway, and the turn is remembered once PostgreSQL is back", async () => {
    // The worker reaches PostgreSQL through a proxy of its own: the gateway keeps working meanwhile.
    const server = new URL(stack.databaseUrl);
    const workerProxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
    server.port = String(workerProxy.port);
    const worker = await stack.addWorker({ STREAM_ANSWERS: "false", DATABASE_URL: server.toString() });
    const user = stack.telegram.newUser();
    const turns = async () =>
      (
        await stack.db.query<{ content: string }>(
          "SELECT content FROM conversation_turns WHERE chat_id = $1 ORDER BY id",
          [user.id],
        )
      ).rows.map((r) => r.content);

    // Down while the memory is read (and still down when the answer is written to it).
    workerProxy.block();
    const during = await ask(stack, user, "вопрос во время простоя");
    expect(await during.answer()).toMatch(/^Ответ: вопрос во время простоя\n\n/);
    workerProxy.unblock();
    await worker.waitForOutput(/"outcome":"ok"[^\n]*"msg":"ask finished"/);
    expect(await turns()).toEqual(["вопрос во время простоя", "Ответ: вопрос во время простоя"]);

    // Up while the memory is read, down when the answer is ready to be remembered.
    const before = stack.openrouter.requests.length;
    stack.openrouter.enqueue({ kind: "answer", content: "Второй ответ", delayMs: 500 });
    const second = await ask(stack, user, "второй вопрос");
    await stack.openrouter.waitForRequests(before + 1);
    workerProxy.block();
    expect(await second.answer()).toMatch(/^Второй ответ\n\n/);
    workerProxy.unblock();
    await worker.waitForOutput(/("outcome":"ok"[^\n]*"msg":"ask finished"[\s\S]*){2}/);
    expect((await turns()).slice(2)).toEqual(["второй вопрос", "Второй ответ"]);

    // The next question goes out with both turns.
    const third = await ask(stack, user, "третий");
    expect(await third.answer()).toMatch(/^Ответ: третий/);
    const request = stack.openrouter.requests.at(-1);
    expect(request?.messages.map((m) => m.content).slice(1)).toEqual([
      "вопрос во время простоя",
      "Ответ: вопрос во время простоя",
      "второй вопрос",
      "Второй ответ",
      "третий",
    ]);
    await worker.stop();
    await workerProxy.close();
  });
});
