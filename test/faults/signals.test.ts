import { afterEach, describe, expect, it } from "vitest";
import { answersShown, ask } from "../support/ask.js";
import { waitForJob } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("signals under load", () => {
  it("a worker SIGKILLed with jobs in flight: every question gets exactly one answer", async () => {
    stack = await Stack.start({ env: { JOB_LOCK_MS: "2000", WORKER_CONCURRENCY: "5" } });
    const s = stack;
    const doomed = await s.addWorker();
    s.openrouter.setDefault({ kind: "answer", content: "Ответ", delayMs: 1_500 });
    const users = Array.from({ length: 20 }, () => s.telegram.newUser());
    const pendings = await Promise.all(users.map((user, i) => ask(s, user, `вопрос ${i}`)));
    await s.openrouter.waitForRequests(5); // the doomed worker's five slots are busy
    await s.addWorker();
    expect(await doomed.stop("SIGKILL")).toBeNull();

    const answers = await Promise.all(pendings.map((p) => p.answer(60_000)));
    for (const answer of answers) expect(answer).toMatch(/^Ответ\n\n\(\d+ мс; модель: /);
    const shown = pendings.map((p) => answersShown(s, p.chatId, p.messageId));
    expect(shown).toEqual(pendings.map(() => 1));
    for (const user of users) expect(s.telegram.sentTo(user.id)).toHaveLength(1);
    console.info(
      `worker SIGKILL: ${users.length} asks, ${answers.length} answered, ` +
        `${shown.filter((n) => n > 1).length} duplicates, 0 lost, ${s.openrouter.requests.length} OpenRouter requests`,
    );
  });

  it("SIGTERM to a busy worker: in-flight jobs finish, the rest wait for the next worker, exit 0", async () => {
    stack = await Stack.start({ env: { WORKER_CONCURRENCY: "3" } });
    const s = stack;
    const first = await s.addWorker();
    s.openrouter.setDefault({ kind: "answer", content: "Ответ", delayMs: 1_000 });
    const users = Array.from({ length: 10 }, () => s.telegram.newUser());
    const pendings = await Promise.all(users.map((user, i) => ask(s, user, `вопрос ${i}`)));
    await s.openrouter.waitForRequests(3);
    expect(await first.stop("SIGTERM")).toBe(0);
    const finishedBeforeExit = pendings.filter(
      (p) => !s.telegram.textOf(p.chatId, p.messageId)?.startsWith("⏳"),
    );
    expect(finishedBeforeExit.length).toBeGreaterThanOrEqual(3);

    await s.addWorker();
    const answers = await Promise.all(pendings.map((p) => p.answer(30_000)));
    for (const answer of answers) expect(answer).toMatch(/^Ответ\n\n/);
    expect(pendings.map((p) => answersShown(s, p.chatId, p.messageId))).toEqual(pendings.map(() => 1));
    console.info(
      `worker SIGTERM: ${finishedBeforeExit.length} in-flight answered before exit 0, ` +
        `${answers.length - finishedBeforeExit.length} taken by the next worker, 0 lost`,
    );
  });

  it("SIGTERM to the gateway under load: handled commands are answered, exit 0, nothing lost or doubled", async () => {
    stack = await Stack.start();
    const s = stack;
    const users = Array.from({ length: 10 }, () => s.telegram.newUser());
    const notes = users.flatMap((user) =>
      Array.from({ length: 5 }, (_, i) => ({ user, text: `заметка ${i}` })),
    );
    for (const { user, text } of notes) s.telegram.sendText(user, `/note_add ${text}`);
    await s.telegram.waitForCall((c) => c.method === "sendMessage");
    expect(await s.gateway.stop("SIGTERM")).toBe(0);

    await s.startGateway();
    for (const user of users) await s.telegram.repliesTo(user.id, 5, 0);
    const { rows } = await s.db.query<{ user_id: string; text: string }>(
      "SELECT user_id, text FROM notes ORDER BY user_id, id",
    );
    expect(rows).toHaveLength(notes.length);
    for (const user of users) {
      expect(rows.filter((r) => r.user_id === String(user.id)).map((r) => r.text)).toEqual(
        Array.from({ length: 5 }, (_, i) => `заметка ${i}`),
      );
      expect(s.telegram.sentTo(user.id)).toHaveLength(5);
    }
    console.info(
      `gateway SIGTERM: ${notes.length} commands, ${rows.length} notes stored once, exit 0, 1 restart`,
    );
  });
});

/** About `length` characters of numbered paragraphs, in 100-character chunks. */
function longAnswer(length: number) {
  const lines: string[] = [];
  for (let i = 0; lines.join("\n\n").length < length; i++)
    lines.push(`Строка ${i}: ${"слово ".repeat(12)}конец.`);
  const content = lines.join("\n\n");
  return { content, chunks: content.match(/[\s\S]{1,100}/g) ?? [] };
}

/** What the chat shows: the text of every message the bot sent there and did not delete. */
const chatTexts = (s: Stack, chatId: number) =>
  s.telegram
    .sentTo(chatId)
    .map((c) => s.telegram.textOf(chatId, c.messageId as number))
    .filter((t) => t !== undefined);

describe("a job interrupted mid-stream", () => {
  it("SIGTERM: after SHUTDOWN_GRACE_MS the stream is aborted, the job goes back to the queue, exit 0; the next worker answers once", async () => {
    stack = await Stack.start({
      env: { SHUTDOWN_GRACE_MS: "1000", STREAM_ANSWERS: "true", STREAM_EDIT_INTERVAL_MS: "200" },
    });
    const s = stack;
    const first = await s.addWorker();
    const user = s.telegram.newUser();
    const { content, chunks } = longAnswer(6000);
    // Far longer than the grace period and the shutdown timer after it.
    s.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 400 });
    const pending = await ask(s, user, "длинный ответ при остановке");
    await s.telegram.waitForText(user.id, pending.messageId, (t) => t.startsWith("Строка 0"));
    expect(await first.stop("SIGTERM")).toBe(0);
    expect(first.output).toMatch(/"msg":"ask returned to the queue: worker shutting down"/);

    s.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 5 });
    await s.addWorker();
    const final = await pending.answer(30_000);
    expect(final).toMatch(/^Строка 0/);
    await s.telegram.until(
      () =>
        chatTexts(s, user.id).every((t) => !t.endsWith("▌")) &&
        /мс; модель:/.test(chatTexts(s, user.id).at(-1) ?? ""),
      30_000,
      () => `still streaming: ${JSON.stringify(chatTexts(s, user.id).map((t) => t.slice(-20)))}`,
    );
    expect(
      chatTexts(s, user.id)
        .join("\n\n")
        .replace(/\n\n\(\d+ мс; модель: [^)]+\)$/, ""),
    ).toBe(content);
  });

  it("SIGKILL after the preview overflowed into a second message: no partial message is left, the turn is remembered once", async () => {
    stack = await Stack.start({
      env: { JOB_LOCK_MS: "1000", STREAM_ANSWERS: "true", STREAM_EDIT_INTERVAL_MS: "200" },
    });
    const s = stack;
    const doomed = await s.addWorker();
    const user = s.telegram.newUser();
    const { content, chunks } = longAnswer(7000);
    s.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 30 });
    const pending = await ask(s, user, "длинный ответ при падении");
    // The preview opened its second message, and the worker recorded it on the job. (A kill between
    // Telegram's answer and that record, a few milliseconds, would leave the message: the Bot API
    // gives no way to find it again.)
    await s.telegram.repliesTo(user.id, 2, 0, 30_000);
    await waitForJob(s, pending.update.update_id, (job) => /previewMessageIds/.test(job.progress ?? ""));
    expect(await doomed.stop("SIGKILL")).toBeNull();

    // A shorter answer this time: it needs fewer messages than the preview opened.
    s.openrouter.enqueue({ kind: "answer", content: "Короткий ответ после сбоя" });
    await s.addWorker();
    await s.telegram.until(
      () =>
        chatTexts(s, user.id).length === 1 &&
        /^Короткий ответ после сбоя\n\n/.test(chatTexts(s, user.id)[0] ?? ""),
      30_000,
      () => `chat shows ${JSON.stringify(chatTexts(s, user.id).map((t) => t.slice(0, 30)))}`,
    );
    expect(content.length).toBeGreaterThan(4096);
    const { rows } = await s.db.query("SELECT role, content FROM conversation_turns WHERE chat_id = $1", [
      user.id,
    ]);
    expect(rows).toEqual([
      { role: "user", content: "длинный ответ при падении" },
      { role: "assistant", content: "Короткий ответ после сбоя" },
    ]);
  });
});

describe("a job that cannot finish", () => {
  it("a job whose workers keep dying (it stalls more than BullMQ allows): the user is told, nothing stays pending", async () => {
    stack = await Stack.start({ env: { JOB_LOCK_MS: "1000" } });
    const s = stack;
    s.openrouter.setDefault({ kind: "hang" });
    const user = s.telegram.newUser();
    const pending = await ask(s, user, "роковой вопрос");
    // Each worker takes the job, asks, and dies; BullMQ gives up after the third stall.
    for (let kill = 1; kill <= 3; kill++) {
      const worker = await s.addWorker();
      await s.openrouter.waitForRequests(kill, 20_000);
      expect(await worker.stop("SIGKILL")).toBeNull();
    }
    s.openrouter.setDefault({ kind: "echo" });
    const last = await s.addWorker();
    expect(await pending.answer(30_000)).toMatch(/^Ошибка: \[internal\] Вопрос не удалось обработать/);
    await last.waitForOutput(/"failure":"internal"[^\n]*"msg":"ask finished"/);
    expect(await s.say(user, "/cancel")).toEqual(["Отменять нечего: у вас нет вопросов в работе."]);
  });
});
