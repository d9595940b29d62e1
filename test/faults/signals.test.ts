import { afterEach, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Successful edits of one message into a final (non-"⏳") text: what the user saw as answers. */
const answersShown = (s: Stack, chatId: number, messageId: number) =>
  s.telegram.calls.filter(
    (c) =>
      c.method === "editMessageText" &&
      c.ok === true &&
      c.payload.chat_id === chatId &&
      c.payload.message_id === messageId &&
      !String(c.payload.text).startsWith("⏳"),
  ).length;

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
