/**
 * A reminder across a worker SIGKILLed before its time (the helpers and how a time is written: see
 * test/support/reminders.ts): the next worker fires it, once.
 */
import { describe, expect, it } from "vitest";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { firings, queueOf, remindIn, stateOf } from "../support/reminders.js";
import { Stack } from "../support/stack.js";

const texts = createLocalizer().of("ru");

describe("reminders across a worker restart", () => {
  it("a worker SIGKILLed before the time: the next one fires the reminder, once", async () => {
    const stack = await Stack.start({ workers: 1 });
    const queue = await queueOf(stack);
    try {
      const user = stack.telegram.newUser();
      const id = await remindIn(stack, user, 3, "переживёт рестарт");
      expect(await stack.workers[0]?.stop("SIGKILL")).toBeNull();
      expect(await stateOf(stack, id)).toMatchObject({ state: "pending" });

      await stack.addWorker();
      await queue.finished(id);

      expect(firings(stack, user, id).map((c) => c.payload.text)).toEqual([
        texts.reminder.fired(id, "переживёт рестарт"),
      ]);
      expect(await stateOf(stack, id)).toMatchObject({ state: "fired", version: 1 });
    } finally {
      await queue.close();
      await stack.stop();
    }
  });
});
