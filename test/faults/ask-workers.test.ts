import { afterEach, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { freePort } from "../support/ports.js";
import { Stack } from "../support/stack.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const answersIn = (output: string) =>
  (output.match(/"outcome":"ok"[^\n]*"msg":"ask finished"/g) ?? []).length;

describe("workers", () => {
  it("a worker killed mid-job: another finishes it, and the user gets exactly one answer", async () => {
    stack = await Stack.start({ env: { JOB_LOCK_MS: "1000" } });
    const first = await stack.addWorker();
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "hang" });
    const pending = await ask(stack, user, "переживёт падение воркера");
    await stack.openrouter.waitForRequests(1);
    expect(await first.stop("SIGKILL")).toBeNull();

    await stack.addWorker();
    expect(await pending.answer()).toMatch(/^Ответ: переживёт падение воркера\n\n\(\d+ мс; модель: /);
    expect(stack.openrouter.requests).toHaveLength(2);
    // One message in the chat (the placeholder, edited once into the answer).
    expect(stack.telegram.sentTo(user.id)).toHaveLength(1);
    const edits = stack.telegram.calls.filter(
      (c) => c.method === "editMessageText" && c.payload.chat_id === user.id,
    );
    expect(edits).toHaveLength(1);
  });

  it("two workers share the queue and every question is answered once", async () => {
    stack = await Stack.start({ workers: 2, env: { WORKER_CONCURRENCY: "1" } });
    stack.openrouter.setDefault({ kind: "answer", content: "Ответ", delayMs: 200 });
    const users = Array.from({ length: 6 }, () => stack?.telegram.newUser()).filter((u) => u !== undefined);
    const pendings = await Promise.all(users.map((user, i) => ask(stack as Stack, user, `вопрос ${i}`)));
    for (const pending of pendings) expect(await pending.answer()).toMatch(/^Ответ\n\n\(\d+ мс; модель: /);
    // Each worker logs a job once its delivery is recorded, just after the user sees it.
    const logged = () => stack?.workers.map((w) => answersIn(w.output)) ?? [];
    while (logged().reduce((sum, n) => sum + n, 0) < 6) {
      await Promise.race(stack.workers.map((w) => w.nextOutput()));
    }
    const [a, b] = logged();
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect((a ?? 0) + (b ?? 0)).toBe(6);
    for (const user of users) expect(stack.telegram.sentTo(user.id)).toHaveLength(1);
  });

  it("SIGTERM lets the worker finish its in-flight job and exit 0", async () => {
    stack = await Stack.start({ workers: 1 });
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "answer", content: "Успел", delayMs: 1000 });
    const pending = await ask(stack, user, "до остановки");
    await stack.openrouter.waitForRequests(1);
    const worker = stack.workers[0];
    expect(await worker?.stop("SIGTERM")).toBe(0);
    expect(stack.telegram.textOf(user.id, pending.messageId)).toMatch(/^Успел\n\n/);
  });
});

describe("Redis unavailable", () => {
  it("says /ask is unavailable within seconds while notes keep working", async () => {
    const closedPort = await freePort();
    stack = await Stack.start({ env: { REDIS_URL: `redis://127.0.0.1:${closedPort}` } });
    const user = stack.telegram.newUser();
    const started = Date.now();
    expect(await stack.say(user, "/ask есть кто?")).toEqual([
      "Вопросы к модели сейчас недоступны: очередь не отвечает. Попробуйте через минуту. Заметки работают как обычно.",
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await stack.say(user, "/note_add всё равно сохрани"))[0]).toMatch(/^Заметка #\d+ сохранена\.$/);
    expect(await stack.say(user, "/note_count")).toEqual(["У вас 1 заметка."]);
  });
});
