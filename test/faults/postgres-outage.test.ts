import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
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
  // A statement unanswered for 2 s (1 s + the client's second) fails, so stalls are quick to see.
  stack = await Stack.start({ databasePort: proxy.port, env: { DATABASE_TIMEOUT_MS: "1000" } });
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

describe("PostgreSQL silently unreachable (packets dropped, no reset)", () => {
  /**
   * A worker that reaches PostgreSQL through a proxy of its own, so the test can stall it alone; both
   * end with the test (the proxy resumed first, so that nothing waits on it during the shutdown).
   */
  const isolatedWorker = async (env: Record<string, string>) => {
    const server = new URL(stack.databaseUrl);
    const own = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
    server.port = String(own.port);
    const worker = await stack.addWorker({
      STREAM_ANSWERS: "false",
      DATABASE_URL: server.toString(),
      ...env,
    });
    onTestFinished(async () => {
      own.resume();
      await worker.stop();
      await own.close();
    });
    return { proxy: own, worker };
  };
  const turnsOf = async (chatId: number) =>
    (
      await stack.db.query<{ content: string }>(
        "SELECT content FROM conversation_turns WHERE chat_id = $1 ORDER BY id",
        [chatId],
      )
    ).rows.map((r) => r.content);

  it("notes and /ask answer 'storage unavailable' within seconds, and everything resumes by itself", async () => {
    const user = stack.telegram.newUser();
    expect((await stack.say(user, "/note_add до зависания"))[0]).toMatch(/сохранена/);

    proxy.stall();
    // Each reply is awaited for at most 15 s: without bounds on statements they would wait for TCP
    // to give up (about 15 minutes).
    for (const command of ["/note_add во время зависания", "/note_count", "/note_list", "/ask вопрос"])
      expect(await stack.say(user, command), command).toEqual([STORAGE_UNAVAILABLE]);
    expect(stack.gateway.running).toBe(true);

    proxy.resume();
    expect(await stack.say(user, "/note_count")).toEqual(["У вас 1 заметка."]);
    expect((await stack.say(user, "/note_add после зависания"))[0]).toMatch(/сохранена/);
    const { rows } = await stack.db.query("SELECT text FROM notes WHERE user_id = $1 ORDER BY id", [user.id]);
    expect(rows.map((r) => r.text)).toEqual(["до зависания", "после зависания"]);
  });

  it("an ask is answered without memory, and its turn is written once PostgreSQL answers again", async () => {
    const { proxy: own, worker } = await isolatedWorker({ DATABASE_TIMEOUT_MS: "1000" });
    const user = stack.telegram.newUser();
    own.stall();
    const during = await ask(stack, user, "вопрос при зависшей базе");
    expect(await during.answer()).toMatch(/^Ответ: вопрос при зависшей базе\n\n/);
    expect(await turnsOf(user.id)).toEqual([]);
    own.resume();
    await worker.waitForOutput(/"outcome":"ok"[^\n]*"msg":"ask finished"/);
    expect(await turnsOf(user.id)).toEqual(["вопрос при зависшей базе", "Ответ: вопрос при зависшей базе"]);
  });

  it("a hung write of the turn holds the answer up by a second at most", async () => {
    // Statements wait a minute here: the answer must not wait for them.
    const { proxy: own, worker } = await isolatedWorker({ DATABASE_TIMEOUT_MS: "60000" });
    const user = stack.telegram.newUser();
    const before = stack.openrouter.requests.length;
    stack.openrouter.enqueue({ kind: "answer", content: "Ответ при зависшей записи", delayMs: 300 });
    const asked = await ask(stack, user, "вопрос");
    await stack.openrouter.waitForRequests(before + 1);
    own.stall();
    expect(await asked.answer()).toMatch(/^Ответ при зависшей записи\n\n/);
    own.resume();
    await worker.waitForOutput(/"outcome":"ok"[^\n]*"msg":"ask finished"/);
    expect(await turnsOf(user.id)).toEqual(["вопрос", "Ответ при зависшей записи"]);
  });

  it("the ask's deadline covers the memory read: a hung read ends the ask at its deadline", async () => {
    const { proxy: own } = await isolatedWorker({ DATABASE_TIMEOUT_MS: "60000", ASK_DEADLINE_MS: "4000" });
    const user = stack.telegram.newUser();
    const before = stack.openrouter.requests.length;
    own.stall();
    const asked = await ask(stack, user, "вопрос, которому не дождаться памяти");
    expect(await asked.answer(20_000)).toMatch(/^Ошибка: \[deadline\] Ответа нет за 4 с/);
    expect(stack.openrouter.requests.length).toBe(before);
  });
});
