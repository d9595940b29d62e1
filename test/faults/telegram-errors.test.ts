import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1 });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const tooMany = {
  error_code: 429,
  description: "Too Many Requests: retry after 1",
  parameters: { retry_after: 1 },
};
const serverError = { error_code: 500, description: "Internal Server Error" };

describe("Telegram answering 429 and 500", () => {
  it("every reply still arrives, in order per chat, and polling goes on", async () => {
    const users = Array.from({ length: 5 }, () => stack.telegram.newUser());
    // Each method fails a few times in a row; auto-retry waits out retry_after and backs off on 500s.
    for (const method of ["getUpdates", "sendMessage", "editMessageText"]) {
      stack.telegram.failNext(method, tooMany);
      stack.telegram.failNext(method, serverError);
    }
    stack.telegram.failNext("sendMessage", tooMany);

    // Five commands per user, sent at once; each chat must see its replies in order.
    for (const user of users)
      for (let i = 1; i <= 5; i++) stack.telegram.sendText(user, `/note_add заметка ${i}`);
    const askers = Array.from({ length: 3 }, () => stack.telegram.newUser());
    const asks = await Promise.all(askers.map((user) => ask(stack, user, "вопрос сквозь ошибки")));
    for (const user of users) {
      const replies = (await stack.telegram.repliesTo(user.id, 5, 0)).map((c) => String(c.payload.text));
      const ids = replies.map((r) => Number(/^Заметка #(\d+) сохранена\.$/.exec(r)?.[1]));
      expect(ids.every((id) => id > 0)).toBe(true);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    }
    for (const pending of asks) expect(await pending.answer(30_000)).toMatch(/^Ответ: вопрос сквозь ошибки/);

    // Polling went on: a later command is answered too.
    const late = stack.telegram.newUser();
    expect(await stack.say(late, "/note_count")).toEqual(["У вас пока нет заметок."]);
    const failed = stack.telegram.calls.filter((c) => c.ok === false).length;
    console.info(`telegram errors: ${failed} Bot API calls failed (429/500), every reply arrived in order`);
    expect(failed).toBe(7);
  });
});
