/**
 * Reminders end to end: the gateway sets them, the worker processes fire them. Each reminder is set for
 * a time the test computes as a few seconds ahead and writes as a user may (`/remind 14:05:07 text`,
 * on the user's clock, UTC by default): the parser reads seconds and the job's delay is exact, so
 * nothing in the bot is shortened for tests. A snooze's hour is not waited for: the test promotes the
 * snoozed job (BullMQ's own "run this delayed job now", as an operator could), which is time passing,
 * not a change of what the bot does. A worker SIGKILLed before the time: test/faults/reminders-restart.test.ts.
 */

import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  MAINTENANCE_QUEUE,
  REMINDERS_SWEEP_JOB,
  reminderCallbackData,
  reminderJobId,
} from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { firings, queueOf, remindIn, stateOf } from "../support/reminders.js";
import { Stack } from "../support/stack.js";

const texts = createLocalizer().of("ru");

describe("reminders with two workers", () => {
  let stack: Stack;
  let queue: Awaited<ReturnType<typeof queueOf>>;

  beforeAll(async () => {
    stack = await Stack.start({ workers: 2 });
    queue = await queueOf(stack);
  });

  afterAll(async () => {
    await queue.close();
    await stack.stop();
  });

  it("each reminder fires once, with its done and snooze buttons, whichever worker takes it", async () => {
    const users = [stack.telegram.newUser(), stack.telegram.newUser(), stack.telegram.newUser()];
    const ids = await Promise.all(users.map((user, i) => remindIn(stack, user, 2, `выпить воды ${i}`)));

    await Promise.all(ids.map((id) => queue.finished(id)));

    for (const [i, user] of users.entries()) {
      const id = ids[i] as string;
      const fired = firings(stack, user, id);
      expect(fired.map((c) => c.payload.text)).toEqual([texts.reminder.fired(id, `выпить воды ${i}`)]);
      expect(JSON.stringify(fired[0]?.payload.reply_markup)).toContain(
        reminderCallbackData({ action: "done", id }),
      );
      expect(await stateOf(stack, id)).toEqual({
        state: "fired",
        version: 1,
        message_id: fired[0]?.messageId,
      });
    }
    const sent = stack.workers.map((w) => (w.output.match(/"msg":"reminder fired"/g) ?? []).length);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("snooze schedules it again and it fires again; done closes it", async () => {
    const user = stack.telegram.newUser();
    const chat = { id: user.id, type: "private" as const, first_name: user.first_name };
    const id = await remindIn(stack, user, 2, "полить цветы");
    await queue.finished(id);
    const first = firings(stack, user, id)[0]?.messageId as number;

    const before = Date.now();
    stack.telegram.pressButton(
      user,
      chat,
      first,
      reminderCallbackData({ action: "snooze", id, choice: "hour" }),
    );
    await stack.telegram.waitForText(user.id, first, (text) => text.includes("💤"));
    expect(stack.telegram.markupOf(user.id, first)).toBeUndefined();
    expect(await stateOf(stack, id)).toMatchObject({ state: "pending", version: 2 });
    const snoozed = await queue.queue.getJob(reminderJobId(id, 2));
    expect(await snoozed?.getState()).toBe("delayed");
    expect(Math.abs((snoozed?.timestamp ?? 0) + (snoozed?.delay ?? 0) - before - 3600_000)).toBeLessThan(
      5000,
    );

    await snoozed?.promote(); // an hour passes
    await queue.finished(id, 2);
    const fired = firings(stack, user, id);
    expect(fired.map((c) => c.payload.text)).toEqual([
      texts.reminder.fired(id, "полить цветы"),
      texts.reminder.fired(id, "полить цветы"),
    ]);
    const second = fired[1]?.messageId as number;
    expect(await stateOf(stack, id)).toEqual({ state: "fired", version: 2, message_id: second });

    stack.telegram.pressButton(user, chat, second, reminderCallbackData({ action: "done", id }));
    await stack.telegram.waitForText(user.id, second, (text) => text.endsWith(texts.reminder.done(id)));
    expect(await stateOf(stack, id)).toMatchObject({ state: "done" });
  });

  it("a user who blocked the bot: the reminder is dropped and logged by id, not retried", async () => {
    const user = stack.telegram.newUser();
    const id = await remindIn(stack, user, 2, "никто не прочтёт");
    stack.telegram.failNext("sendMessage", {
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });

    const job = await queue.finished(id);

    expect(await job.getState()).toBe("completed");
    expect(job.attemptsMade).toBeLessThanOrEqual(1);
    expect(await stateOf(stack, id)).toMatchObject({ state: "undeliverable" });
    expect(firings(stack, user, id)).toEqual([]);
    const logs = stack.workers.map((w) => w.output).join("");
    expect(logs).toMatch(new RegExp(`"reminderId":"${id}"[^\\n]*"code":403[^\\n]*"msg":"reminder dropped`));
    expect(logs).not.toContain("никто не прочтёт");
  });

  it("the sweep fires an overdue pending reminder whose job is gone (Redis lost it), once", async () => {
    const connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    const prefix = String(stack.env.QUEUE_PREFIX);
    const maintenance = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
    const events = new QueueEvents(MAINTENANCE_QUEUE, { connection: connection.duplicate(), prefix });
    try {
      await events.waitUntilReady();
      const user = stack.telegram.newUser();
      const { rows } = await stack.db.query<{ id: string }>(
        `INSERT INTO reminders (user_id, chat_id, text, locale, due_at)
         VALUES ($1, $1, 'потерянное', 'ru', now() - interval '5 minutes') RETURNING id`,
        [user.id],
      );
      const id = String(rows[0]?.id);

      // The minutely schedule would run it within a minute; the test runs it now, twice.
      for (let run = 0; run < 2; run++)
        await (await maintenance.add(REMINDERS_SWEEP_JOB, {})).waitUntilFinished(events, 15_000);

      expect(firings(stack, user, id).map((c) => c.payload.text)).toEqual([
        texts.reminder.fired(id, "потерянное"),
      ]);
      expect(await stateOf(stack, id)).toMatchObject({ state: "fired" });
    } finally {
      await Promise.all([maintenance.close(), events.close()]);
      connection.disconnect();
    }
  });
});
