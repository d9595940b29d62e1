/**
 * The gateway SIGKILLed in long-polling mode at several moments of a burst, then started again: every
 * command is carried out exactly once and answered (a reply may come twice, a note never), and an ask
 * gets one placeholder, one job and one answer.
 */
import type { User } from "grammy/types";
import { afterEach, describe, expect, inject, it } from "vitest";
import { answersShown, isFinal } from "../support/ask.js";
import type { ApiCall } from "../support/fake-telegram.js";
import { eventually } from "../support/queue.js";
import { Stack } from "../support/stack.js";
import { TcpProxy } from "../support/tcp-proxy.js";

let stack: Stack | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const USERS = 20;
const NOTES_PER_USER = 10;
const NOTE_ADDED = /^Заметка #(\d+) сохранена\.$/;

/** Note ids the bot confirmed to `user`, one entry per reply (a reply sent twice appears twice). */
const confirmedIds = (s: Stack, user: User) =>
  s.telegram
    .sentTo(user.id)
    .map((c) => NOTE_ADDED.exec(String(c.payload.text))?.[1])
    .filter((id): id is string => id !== undefined);

/** intake_updates_rehandled_total of the running gateway. */
async function rehandled(s: Stack): Promise<number> {
  const text = await (await fetch(`${await s.gateway.metricsUrl()}/metrics`)).text();
  return Number(/^intake_updates_rehandled_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** 200 /note_add from 20 users; the gateway is SIGKILLed once `killWhen` holds, then started again. */
async function notesBurstWithKill(moment: string, killWhen: (s: Stack) => boolean) {
  stack = await Stack.start();
  const s = stack;
  const users = Array.from({ length: USERS }, () => s.telegram.newUser());
  const sent = users.flatMap((user) =>
    Array.from({ length: NOTES_PER_USER }, (_, i) => ({ user, text: `заметка ${i} от ${user.id}` })),
  );
  for (const { user, text } of sent) s.telegram.sendText(user, `/note_add ${text}`);

  await s.telegram.until(
    () => killWhen(s),
    30_000,
    () => `the kill moment "${moment}" never came`,
  );
  const repliesBeforeKill = users.reduce((n, u) => n + s.telegram.sentTo(u.id).length, 0);
  expect(await s.gateway.stop("SIGKILL")).toBeNull();
  await s.startGateway();

  // Every user is told of as many distinct notes as they sent (a lost one would never be confirmed).
  await s.telegram.until(
    () => users.every((u) => new Set(confirmedIds(s, u)).size >= NOTES_PER_USER),
    60_000,
    () =>
      `replies missing: ${users.map((u) => new Set(confirmedIds(s, u)).size).join(",")} of ${NOTES_PER_USER} each`,
  );
  const { rows } = await s.db.query<{ id: string; user_id: string; text: string }>(
    "SELECT id, user_id, text FROM notes ORDER BY id",
  );
  const stored = new Map<string, number>();
  for (const row of rows) stored.set(row.text, (stored.get(row.text) ?? 0) + 1);
  const lost = sent.filter((n) => !stored.has(n.text)).length;
  const doubled = [...stored.values()].filter((count) => count > 1).length;
  const repeatedReplies = users.reduce(
    (n, u) => n + confirmedIds(s, u).length - new Set(confirmedIds(s, u)).size,
    0,
  );
  const again = await rehandled(s);
  console.info(
    `intake, polling, SIGKILL ${moment} (${repliesBeforeKill} replies before the kill): ` +
      `${sent.length} updates sent, ${rows.length} notes stored, ${lost} lost, ${doubled} doubled; ` +
      `${again} updates handled again after the restart, ${repeatedReplies} replies sent twice`,
  );

  expect(lost).toBe(0);
  expect(doubled).toBe(0);
  expect(rows).toHaveLength(sent.length);
  for (const user of users) {
    const own = rows.filter((r) => r.user_id === String(user.id));
    // One chat's commands are carried out in the order they were sent, across the restart too.
    expect(own.map((r) => r.text)).toEqual(
      Array.from({ length: NOTES_PER_USER }, (_, i) => `заметка ${i} от ${user.id}`),
    );
    // Each reply names one of the user's notes, and every note of theirs was confirmed.
    expect(new Set(confirmedIds(s, user))).toEqual(new Set(own.map((r) => r.id)));
  }
}

/**
 * 20 /ask from 20 users with a worker running. The first `delivered` placeholders reach Telegram;
 * the others are still on their way (held by the fake) when the gateway is SIGKILLed, once the worker
 * has taken the first `delivered` jobs. Then the gateway is started again.
 */
async function asksBurstWithKill(moment: string, delivered: number) {
  stack = await Stack.start({ workers: 1 });
  const s = stack;
  let passing = delivered;
  const inFlight = s.telegram.hold((c) => c.method === "sendMessage" && passing-- <= 0);
  const users = Array.from({ length: USERS }, () => s.telegram.newUser());
  for (const [i, user] of users.entries()) s.telegram.sendText(user, `/ask вопрос ${i}`);

  await s.openrouter.waitForRequests(delivered, 30_000);
  expect(await s.gateway.stop("SIGKILL")).toBeNull();
  inFlight.drop();
  await s.startGateway();

  await s.telegram.until(
    () => users.every((u) => s.telegram.sentTo(u.id).length > 0),
    30_000,
    () => `placeholders missing: ${users.filter((u) => s.telegram.sentTo(u.id).length === 0).length}`,
  );
  const placeholders = users.map((u) => s.telegram.sentTo(u.id)[0] as ApiCall);
  const answers = await Promise.all(
    placeholders.map((p) =>
      s.telegram.waitForText(Number(p.payload.chat_id), p.messageId as number, isFinal, 60_000),
    ),
  );
  const messagesPerChat = users.map((u) => s.telegram.sentTo(u.id).length);
  const shown = placeholders.map((p) => answersShown(s, Number(p.payload.chat_id), p.messageId as number));
  const leftWaiting = users.flatMap((u) =>
    s.telegram.sentTo(u.id).filter((c) => s.telegram.textOf(u.id, c.messageId as number)?.startsWith("⏳")),
  ).length;
  const again = await rehandled(s);
  const asked = s.openrouter.requests.length;
  console.info(
    `intake, polling, /ask, SIGKILL ${moment}: ${users.length} asks sent, ` +
      `${answers.filter((a, i) => a.startsWith(`Ответ: вопрос ${i}`)).length} answered, ` +
      `${shown.filter((n) => n === 0).length} lost, ${shown.filter((n) => n > 1).length} answered twice, ` +
      `${messagesPerChat.filter((n) => n > 1).length} chats with a second placeholder, ${leftWaiting} left "⏳"; ` +
      `${inFlight.held.filter((c) => c.dropped).length} placeholders lost in flight, ` +
      `${again} updates handled again after the restart, ${asked} OpenRouter requests`,
  );

  for (const [i, answer] of answers.entries()) expect(answer).toMatch(new RegExp(`^Ответ: вопрос ${i}\\b`));
  expect(shown).toEqual(users.map(() => 1));
  expect(messagesPerChat).toEqual(users.map(() => 1));
  expect(leftWaiting).toBe(0);
  expect(asked).toBe(users.length);
}

describe("intake in polling mode: the gateway SIGKILLed mid-burst", () => {
  it("200 /note_add, killed right after the first reply: every note stored once, every command answered", async () => {
    await notesBurstWithKill("right after the first reply", (s) =>
      s.telegram.calls.some((c) => c.method === "sendMessage" && c.ok === true),
    );
  });

  it("200 /note_add, killed midway: every note stored once, every command answered", async () => {
    await notesBurstWithKill(
      "midway",
      (s) => s.telegram.calls.filter((c) => c.method === "sendMessage" && c.ok === true).length >= 100,
    );
  });

  it("20 /ask, killed right after the first placeholder: each answered exactly once, none left ⏳", async () => {
    await asksBurstWithKill("right after the first reply", 1);
  });

  it("20 /ask, killed midway: each answered exactly once, none left ⏳", async () => {
    await asksBurstWithKill("midway", 10);
  });

  it("an update handled again after its effect was committed: the same reply, no second note", async () => {
    stack = await Stack.start();
    const s = stack;
    const user = s.telegram.newUser();
    // The reply is still on its way to Telegram when the gateway dies: the note is already stored.
    const reply = s.telegram.hold((c) => c.method === "sendMessage" && c.payload.chat_id === user.id);
    const update = s.telegram.sendText(user, "/note_add одна-единственная");
    const lostReply = await s.telegram.waitForCall(
      (c) => c.method === "sendMessage" && c.payload.chat_id === user.id,
    );
    expect(await s.gateway.stop("SIGKILL")).toBeNull();
    reply.drop();
    await s.telegram.until(
      () => lostReply.dropped === true,
      5_000,
      () => "the reply held on its way was never dropped",
    );
    await s.startGateway();

    const [again] = await s.telegram.repliesTo(user.id, 1, 0);
    expect(again?.payload.text).toBe(lostReply.payload.text);
    // Telegram delivering it once more changes nothing either.
    s.telegram.redeliver(update);
    expect(await s.say(user, "/note_count")).toEqual(["У вас 1 заметка."]);
    const { rows } = await s.db.query("SELECT id FROM notes WHERE user_id = $1", [user.id]);
    expect(rows).toHaveLength(1);
    expect(String(again?.payload.text)).toBe(`Заметка #${rows[0]?.id} сохранена.`);
    expect(s.telegram.sentTo(user.id)).toHaveLength(2);
    console.info(
      "intake, redelivered after the effect was committed: 1 update, handled twice and delivered twice, " +
        `${rows.length} note stored, the same reply sent again`,
    );
  });

  it("an ask whose placeholder was sent but whose job was not yet added: the next handling reuses the placeholder", async () => {
    const target = new URL(inject("redisUrl"));
    const redis = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    cleanups.push(() => redis.close());
    stack = await Stack.start({ workers: 1, env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` } });
    const s = stack;
    const user = s.telegram.newUser();
    const placeholder = s.telegram.hold((c) => c.method === "sendMessage" && c.payload.chat_id === user.id);
    const update = s.telegram.sendText(user, "/ask вопрос без задачи");
    await s.telegram.waitForCall((c) => c.method === "sendMessage" && c.payload.chat_id === user.id);
    // Redis hangs from now on: the placeholder goes out, its id is recorded, the job cannot be added.
    redis.stall();
    placeholder.release();
    const [sent] = await s.telegram.repliesTo(user.id, 1, 0);
    const recorded = async () =>
      (
        await s.db.query("SELECT 1 FROM inbox WHERE update_id = $1 AND result ? 'placeholder'", [
          update.update_id,
        ])
      ).rowCount === 1;
    expect(await eventually(recorded, (done) => done, 2_000)).toBe(true);
    expect(await s.gateway.stop("SIGKILL")).toBeNull();
    redis.resume();
    await s.startGateway();

    const messageId = sent?.messageId as number;
    const answer = await s.telegram.waitForText(user.id, messageId, isFinal, 30_000);
    expect(answer).toMatch(/^Ответ: вопрос без задачи/);
    expect(s.telegram.sentTo(user.id)).toHaveLength(1);
    expect(answersShown(s, user.id, messageId)).toBe(1);
    console.info(
      "intake, /ask killed between its placeholder and its job: 1 ask, 1 placeholder (reused by the next handling), " +
        `1 answer, ${s.openrouter.requests.length} OpenRouter request`,
    );
  });
});
