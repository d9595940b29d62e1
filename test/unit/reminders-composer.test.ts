/**
 * /remind, /reminders, /tz and the ⏰ and ✖ buttons through the gateway built in this process (the fake
 * Telegram, the real PostgreSQL and Redis): what the user reads, what is stored and what is queued.
 * Firing is the worker's (test/e2e/reminders.test.ts).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { formatInZone } from "../../services/gateway/src/features/reminders/zone.js";
import { REMINDER_TEXT_MAX, REMINDERS_PENDING_MAX } from "../../shared/src/domain/index.js";
import { REMINDER_QUEUE, reminderCallbackData, reminderJobId } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

const texts = createLocalizer().of("ru");
let gateway: GatewayInProcess;
let redis: Redis;
/** While true, the queue refuses reminders' jobs (as when Redis is down). */
let queueDown = false;

beforeAll(async () => {
  gateway = await startGatewayInProcess({
    reminderScheduler: (scheduler) => ({
      ...scheduler,
      schedule: (...args) =>
        queueDown ? Promise.reject(new Error("Redis did not answer in time")) : scheduler.schedule(...args),
    }),
  });
  redis = new Redis(inject("redisUrl"));
});

afterAll(async () => {
  redis.disconnect();
  await gateway.close();
});

type User = ReturnType<GatewayInProcess["telegram"]["newUser"]>;
const chatOf = (user: User) => ({ id: user.id, type: "private" as const, first_name: user.first_name });

/** Sends `text` as `user` in their private chat and handles it; resolves with the bot's new messages. */
async function say(user: User, text: string) {
  const before = gateway.telegram.sentTo(user.id).length;
  await gateway.receive(gateway.telegram.sendText(user, text));
  return gateway.telegram.sentTo(user.id).slice(before);
}
const textsOf = (calls: { payload: Record<string, unknown> }[]) => calls.map((c) => c.payload.text);

/** Presses the button with `data` under message `messageId` as `user`; resolves with the callback's answer text. */
async function press(user: User, owner: User, messageId: number, data: string) {
  const since = gateway.telegram.calls.length;
  await gateway.receive(gateway.telegram.pressButton(user, chatOf(owner), messageId, data));
  const answer = gateway.telegram.calls.slice(since).find((c) => c.method === "answerCallbackQuery");
  // Telegram shows at most 200 characters of a callback's answer.
  expect(String(answer?.payload.text).length).toBeLessThanOrEqual(200);
  return answer?.payload.text;
}

const rowsOf = async (userId: number) =>
  (
    await gateway.db.query<{ id: string; text: string; state: string; due_at: Date; version: number }>(
      "SELECT id, text, state, due_at, version FROM reminders WHERE user_id = $1 ORDER BY id",
      [userId],
    )
  ).rows;

/** The reminder job's delay (ms) and state in the queue, or undefined when there is none. */
async function jobOf(id: string, version = 1) {
  const key = `${gateway.queuePrefix}:${REMINDER_QUEUE}:${reminderJobId(id, version)}`;
  const delay = await redis.hget(key, "delay");
  if (delay === null) return undefined;
  const delayed = await redis.zscore(
    `${gateway.queuePrefix}:${REMINDER_QUEUE}:delayed`,
    reminderJobId(id, version),
  );
  return { delay: Number(delay), delayed: delayed !== null };
}

describe("/remind", () => {
  it("sets a reminder on the user's clock: told its id and time with the zone, stored pending, a delayed job queued", async () => {
    const user = gateway.telegram.newUser();
    expect(textsOf(await say(user, "/tz Asia/Tokyo"))).toHaveLength(1);
    const before = Date.now();

    const replies = await say(user, "/remind через 2 часа купить молоко");

    const [row] = await rowsOf(user.id);
    expect(row).toMatchObject({ text: "купить молоко", state: "pending", version: 1 });
    const dueAt = row?.due_at as Date;
    expect(dueAt.getTime() - before).toBeGreaterThanOrEqual(2 * 3600_000 - 1000);
    expect(dueAt.getTime() - before).toBeLessThan(2 * 3600_000 + 5000);
    expect(textsOf(replies)).toEqual([
      texts.remind.scheduled(String(row?.id), formatInZone(dueAt, "Asia/Tokyo"), "Asia/Tokyo"),
    ]);
    const job = await jobOf(String(row?.id));
    expect(job?.delayed).toBe(true);
    expect(Math.abs((job?.delay ?? 0) - 2 * 3600_000)).toBeLessThan(5000);
  });

  it("a past or nonsense time gets the examples of what works and sets nothing", async () => {
    const user = gateway.telegram.newUser();

    const nonsense = await say(user, "/remind когда-нибудь потом позвонить");
    const past = await say(user, "/remind 2020-01-01 10:00 позвонить");
    const noText = await say(user, "/remind завтра в 9");
    const empty = await say(user, "/remind");

    expect(textsOf(nonsense)).toEqual([texts.remind.unreadable("когда-нибудь потом позвонить", "UTC")]);
    expect(textsOf(past)).toEqual([texts.remind.past("2020-01-01 10:00", "UTC")]);
    expect(textsOf(noText)).toEqual([texts.remind.usage("UTC")]);
    expect(textsOf(empty)).toEqual([texts.remind.usage("UTC")]);
    for (const reply of textsOf([...nonsense, ...past]))
      expect(reply).toContain("/remind завтра в 9 позвонить маме");
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("refuses over-long text and more than the pending limit, setting nothing", async () => {
    const user = gateway.telegram.newUser();
    const long = "я".repeat(REMINDER_TEXT_MAX + 1);
    expect(textsOf(await say(user, `/remind завтра в 9 ${long}`))).toEqual([
      texts.remind.tooLong(REMINDER_TEXT_MAX + 1),
    ]);
    await gateway.db.query(
      `INSERT INTO reminders (user_id, chat_id, text, locale, due_at)
       SELECT $1, $1, 'r' || n, 'ru', now() + interval '1 day' FROM generate_series(1, $2) n`,
      [user.id, REMINDERS_PENDING_MAX],
    );

    expect(textsOf(await say(user, "/remind завтра в 9 ещё одно"))).toEqual([texts.remind.tooMany]);
    expect(await rowsOf(user.id)).toHaveLength(REMINDERS_PENDING_MAX);
  });

  it("when the queue refuses the job, the user is told to try again and nothing stays pending", async () => {
    const user = gateway.telegram.newUser();
    queueDown = true;
    try {
      expect(textsOf(await say(user, "/remind завтра в 9 не поставится"))).toEqual([
        texts.remind.unavailable,
      ]);
    } finally {
      queueDown = false;
    }
    expect((await rowsOf(user.id)).map((r) => r.state)).toEqual(["cancelled"]);
    expect(textsOf(await say(user, "/reminders"))).toEqual([texts.reminders.empty]);
  });
});

describe("/reminders", () => {
  it("lists the pending reminders with a cancel button each; cancel removes the job and marks the row, another user's press changes nothing", async () => {
    const user = gateway.telegram.newUser();
    const other = gateway.telegram.newUser();
    await say(user, "/remind завтра в 9 первое");
    await say(user, "/remind завтра в 10 второе");
    const [first, second] = await rowsOf(user.id);
    const ids = [String(first?.id), String(second?.id)];

    const [list] = await say(user, "/reminders");
    expect(list?.payload.text).toBe(
      [
        texts.reminders.header(2, "UTC"),
        texts.reminders.line(ids[0] as string, formatInZone(first?.due_at as Date, "UTC"), "первое"),
        texts.reminders.line(ids[1] as string, formatInZone(second?.due_at as Date, "UTC"), "второе"),
      ].join("\n"),
    );
    const cancelFirst = reminderCallbackData({ action: "cancel", id: ids[0] as string });
    expect(JSON.stringify(list?.payload.reply_markup)).toContain(cancelFirst);
    const listId = list?.messageId as number;

    expect(await press(other, user, listId, cancelFirst)).toBe(texts.reminders.notFound(ids[0] as string));
    expect((await rowsOf(user.id)).map((r) => r.state)).toEqual(["pending", "pending"]);
    expect(await jobOf(ids[0] as string)).toBeDefined();

    expect(await press(user, user, listId, cancelFirst)).toBe(texts.reminders.cancelled(ids[0] as string));
    expect((await rowsOf(user.id)).map((r) => r.state)).toEqual(["cancelled", "pending"]);
    expect(await jobOf(ids[0] as string)).toBeUndefined();
    expect(await jobOf(ids[1] as string)).toBeDefined();
    // The list now shows what is left.
    expect(gateway.telegram.textOf(user.id, listId)).toBe(
      [
        texts.reminders.header(1, "UTC"),
        texts.reminders.line(ids[1] as string, formatInZone(second?.due_at as Date, "UTC"), "второе"),
      ].join("\n"),
    );
    // Pressed again: nothing left to cancel.
    expect(await press(user, user, listId, cancelFirst)).toBe(texts.reminders.notFound(ids[0] as string));
  });

  it("a full list of long, multi-line texts fits one message with its buttons", async () => {
    const user = gateway.telegram.newUser();
    await gateway.db.query(
      `INSERT INTO reminders (user_id, chat_id, text, locale, due_at)
       SELECT $1, $1, repeat('🙂 строка' || chr(10), 300), 'ru', now() + n * interval '1 second' + interval '1 day'
       FROM generate_series(1, $2) n`,
      [user.id, REMINDERS_PENDING_MAX],
    );

    const replies = await say(user, "/reminders");

    expect(replies).toHaveLength(1);
    const lines = String(replies[0]?.payload.text).split("\n");
    expect(lines).toHaveLength(REMINDERS_PENDING_MAX + 1);
    expect(lines[1]).toMatch(/^#\d+ · \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? — 🙂 строка 🙂 строка .*…$/);
    const markup = replies[0]?.payload.reply_markup as { inline_keyboard: unknown[][] } | undefined;
    const buttons = markup?.inline_keyboard.flat();
    expect(buttons).toHaveLength(REMINDERS_PENDING_MAX);
  });

  it("says so when nothing is pending", async () => {
    expect(textsOf(await say(gateway.telegram.newUser(), "/reminders"))).toEqual([texts.reminders.empty]);
  });
});

describe("/tz", () => {
  it("takes IANA names only, stores the canonical one, and shows the zone's clock", async () => {
    const user = gateway.telegram.newUser();
    expect(textsOf(await say(user, "/tz Mars/Olympus"))).toEqual([texts.tz.invalid("Mars/Olympus")]);
    expect(textsOf(await say(user, "/tz +03:00"))).toEqual([texts.tz.invalid("+03:00")]);
    const current = await say(user, "/tz");
    expect(current[0]?.payload.text).toMatch(
      /^Ваш часовой пояс: UTC \(там сейчас \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?\)/,
    );

    const before = formatInZone(new Date(), "Europe/Moscow");
    const [set] = textsOf(await say(user, "/tz europe/moscow"));
    const after = formatInZone(new Date(), "Europe/Moscow");
    expect([texts.tz.changed("Europe/Moscow", before), texts.tz.changed("Europe/Moscow", after)]).toContain(
      set,
    );
    const { rows } = await gateway.db.query("SELECT time_zone FROM user_settings WHERE user_id = $1", [
      user.id,
    ]);
    expect(rows).toEqual([{ time_zone: "Europe/Moscow" }]);

    // "завтра в 9" is now 09:00 Moscow time, 06:00 UTC.
    await say(user, "/remind завтра в 9 зарядка");
    const [row] = await rowsOf(user.id);
    expect(row?.due_at.getUTCHours()).toBe(6);
  });
});

describe("the ⏰ buttons of a saved note", () => {
  it("set a reminder of the note at the chosen time; another user's press finds no note", async () => {
    const user = gateway.telegram.newUser();
    const other = gateway.telegram.newUser();
    const [reply] = await say(user, "/note_add позвонить в банк");
    const noteId = /#(\d+)/.exec(String(reply?.payload.text))?.[1] as string;
    const hour = reminderCallbackData({ action: "note", id: noteId, choice: "hour" });
    expect(JSON.stringify(reply?.payload.reply_markup)).toContain(hour);
    const replyId = reply?.messageId as number;

    expect(await press(other, user, replyId, hour)).toBe(texts.noteNotFound(noteId));
    expect(await rowsOf(other.id)).toEqual([]);

    const before = Date.now();
    const answer = await press(user, user, replyId, hour);
    const [row] = await rowsOf(user.id);
    expect(row).toMatchObject({ text: "позвонить в банк", state: "pending" });
    const dueAt = row?.due_at ?? new Date(0);
    expect(Math.abs(dueAt.getTime() - before - 3600_000)).toBeLessThan(5000);
    expect(answer).toBe(texts.remind.scheduled(String(row?.id), formatInZone(dueAt, "UTC"), "UTC"));
    expect(await jobOf(String(row?.id))).toBeDefined();
  });
});
