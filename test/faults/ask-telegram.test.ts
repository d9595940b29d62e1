import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { DROP } from "../support/fake-telegram.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: { STREAM_ANSWERS: "true", STREAM_EDIT_INTERVAL_MS: "200", OPENROUTER_TIMEOUT_MS: "5000" },
  });
});

afterAll(async () => {
  await stack.stop();
});

const blocked = { error_code: 403, description: "Forbidden: bot was blocked by the user" };

/** About `length` characters in 100-character chunks, each line marked so that it can be looked for. */
function longAnswer(marker: string, length: number) {
  const lines: string[] = [];
  for (let i = 0; lines.join("\n").length < length; i++) lines.push(`${marker} ${i}: ${"слово ".repeat(12)}`);
  const content = lines.join("\n");
  return content.match(/[\s\S]{1,100}/g) ?? [];
}

describe("Telegram failing the worker", () => {
  it("a user who blocks the bot mid-stream: that ask ends quietly with the code logged, and the worker keeps serving", async () => {
    const worker = stack.workers[0];
    if (!worker) throw new Error("no worker");
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "stream", chunks: longAnswer("Секрет-ответа", 6000), chunkDelayMs: 15 });
    await ask(stack, user, "Секрет-вопроса длинный ответ");
    // The next message the bot sends is the preview's second one: Telegram refuses it, the user blocked the bot.
    stack.telegram.failNext("sendMessage", blocked);
    await worker.waitForOutput(/"outcome":"undeliverable"[^\n]*"telegramCode":403[^\n]*"msg":"ask finished"/);
    expect(worker.running).toBe(true);

    const other = stack.telegram.newUser();
    expect(await (await ask(stack, other, "а мне ответят?")).answer()).toMatch(/^Ответ: а мне ответят\?/);
    // The blocked ask no longer counts as pending.
    expect(await stack.say(user, "/cancel")).toEqual(["Отменять нечего: у вас нет вопросов в работе."]);
    expect(worker.output).not.toMatch(/Секрет-ответа|Секрет-вопроса/);
  });

  it("a user who blocks the bot before the answer is delivered: ended quietly, nothing pending", async () => {
    const worker = stack.workers[0];
    if (!worker) throw new Error("no worker");
    const user = stack.telegram.newUser();
    const before = stack.openrouter.requests.length;
    stack.openrouter.enqueue({ kind: "answer", content: "Тайный-ответ", delayMs: 300 });
    await ask(stack, user, "Тайный-вопрос");
    await stack.openrouter.waitForRequests(before + 1);
    stack.telegram.failNext("editMessageText", blocked);
    // The first test ended one ask so; this is the second.
    await worker.waitForOutput(/"outcome":"undeliverable"[\s\S]*"outcome":"undeliverable"/);
    expect(await stack.say(user, "/cancel")).toEqual(["Отменять нечего: у вас нет вопросов в работе."]);
    expect(worker.output).not.toMatch(/Тайный-ответ|Тайный-вопрос/);
  });

  it("logs a broken-off stream and a refused edit with lengths and codes, never the text", async () => {
    const worker = stack.workers[0];
    if (!worker) throw new Error("no worker");
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({
      kind: "stream",
      chunks: ["Личный-ответ начало ", "и продолжение"],
      chunkDelayMs: 300,
      andThen: { error: 502 },
    });
    const pending = await ask(stack, user, "Личный-вопрос");
    // The preview's edit is refused; the final answer then goes out as usual.
    stack.telegram.failNext("editMessageText", {
      error_code: 400,
      description: "Bad Request: message is too long",
    });
    expect(await pending.answer(30_000)).toMatch(/^Личный-ответ начало и продолжение\n\n⚠️ Ответ оборвался/);
    await worker.waitForOutput(/"received":\d+[^\n]*"msg":"streamed answer broke off"/);
    await worker.waitForOutput(/"code":400[^\n]*"msg":"stream preview update failed"/);
    // The ask's last line is written after the answer is shown: the whole log is read only once it is there.
    await worker.waitForOutput(/"failure":"interrupted"[^\n]*"msg":"ask finished"/);
    expect(worker.output).not.toMatch(/Личный-ответ|Личный-вопрос/);
  });

  it("the network to Telegram failing at delivery: the job runs again a moment later and the answer arrives once", async () => {
    for (const worker of stack.workers) await worker.stop();
    const worker = await stack.addWorker({ STREAM_ANSWERS: "false" });
    const user = stack.telegram.newUser();
    const before = stack.openrouter.requests.length;
    stack.openrouter.enqueue({ kind: "answer", content: "Дошло со второго раза", delayMs: 300 });
    const pending = await ask(stack, user, "сквозь обрыв связи");
    await stack.openrouter.waitForRequests(before + 1);
    stack.telegram.failNext("editMessageText", DROP);
    expect(await pending.answer(30_000)).toMatch(/^Дошло со второго раза\n\n/);
    await worker.waitForOutput(/"reason":"telegram network"[^\n]*"msg":"ask delivery will be retried"/);
    await worker.waitForOutput(/"outcome":"ok"[^\n]*"msg":"ask finished"/);
    // The model was asked once; the answer is one message.
    expect(stack.openrouter.requests.length).toBe(before + 1);
    expect(stack.telegram.sentTo(user.id)).toHaveLength(1);
  });
});
