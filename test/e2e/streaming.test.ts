import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack;
const FOOTER = /\n\n\(\d+ мс; модель: [^)]+\)$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: {
      STREAM_ANSWERS: "true",
      STREAM_EDIT_INTERVAL_MS: "1000",
      OPENROUTER_TIMEOUT_MS: "2000",
      ASK_MAX_ATTEMPTS: "2",
      // Previews as in production: spare calls of the shared Telegram budget.
      TELEGRAM_BUDGET: "true",
    },
  });
  // Telegram's per-chat flood control: edits closer than a second apart get 429 retry_after.
  stack.telegram.editIntervalMs = 1000;
});

afterAll(async () => {
  for (const code of await stack.stop()) expect(code).toBe(0);
});

/** A paragraph-rich answer of about `length` characters, streamed in 100-character chunks. */
function longAnswer(length: number): { content: string; chunks: string[] } {
  const paragraphs: string[] = [];
  for (let i = 0; paragraphs.join("\n\n").length < length; i++) {
    paragraphs.push(`Абзац ${i}: ${"слово ".repeat(30)}конец.`);
  }
  const content = paragraphs.join("\n\n");
  const chunks = content.match(/[\s\S]{1,100}/g) ?? [];
  return { content, chunks };
}

const visibleMessages = (chatId: number) =>
  stack.telegram.sentTo(chatId).map((c) => stack.telegram.textOf(chatId, c.messageId as number) ?? "");

describe("streamed answers", () => {
  it("a 6000-character answer grows in the placeholder within the edit rate and continues in a new message", async () => {
    const user = stack.telegram.newUser();
    const { content, chunks } = longAnswer(6000);
    stack.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 60 });
    const asked = Date.now();
    const pending = await ask(stack, user, "длинный потоковый ответ");

    const firstVisible = await stack.telegram.waitForText(user.id, pending.messageId, (t) =>
      t.startsWith("Абзац 0"),
    );
    const timeToFirstToken = Date.now() - asked;
    expect(firstVisible.endsWith("▌")).toBe(true); // still growing

    // The footer ends the answer's last message: an edit of the preview's second message, or a new
    // message when the stream ended before a preview frame opened it (frames are skipped, not queued,
    // when Telegram's pace for the chat leaves no room).
    await stack.telegram.until(
      () => FOOTER.test(visibleMessages(user.id).at(-1) ?? ""),
      30_000,
      () => "no footer",
    );
    const final = await stack.telegram.waitForText(
      user.id,
      pending.messageId,
      (t) => !t.endsWith("▌"),
      30_000,
    );
    const messages = visibleMessages(user.id);
    expect(messages).toHaveLength(2);
    expect(final.length).toBeLessThanOrEqual(4096);
    expect(messages.join("\n\n").replace(FOOTER, "")).toBe(content);

    const edits = stack.telegram.editTimes.get(user.id) ?? [];
    for (let i = 1; i < edits.length; i++)
      expect((edits[i] ?? 0) - (edits[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    const refused = stack.telegram.calls.filter(
      (c) => c.method === "editMessageText" && c.payload.chat_id === user.id && c.ok === false,
    ).length;
    console.info(
      `streaming: 6000-char answer, first visible text after ${timeToFirstToken} ms, ` +
        `${edits.length} edits accepted (${refused} refused with 429 and retried), ${messages.length} messages`,
    );
  });

  it("a long answer of emoji without spaces is never cut inside an emoji, in its preview or its messages", async () => {
    const user = stack.telegram.newUser();
    // An odd start, so that a cut at the limit would fall between the two halves of an emoji.
    const content = `a${"😀".repeat(4000)}`;
    const codePoints = Array.from(content);
    const chunks = Array.from({ length: Math.ceil(codePoints.length / 100) }, (_, i) =>
      codePoints.slice(i * 100, (i + 1) * 100).join(""),
    );
    stack.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 100 });
    const since = stack.telegram.calls.length;
    const pending = await ask(stack, user, "смайлики");
    await stack.telegram.until(
      () => FOOTER.test(visibleMessages(user.id).at(-1) ?? ""),
      30_000,
      () => "no footer",
    );
    const texts = stack.telegram.calls
      .slice(since)
      .filter((c) => c.payload.chat_id === user.id && typeof c.payload.text === "string")
      .map((c) => c.payload.text as string);
    // The preview overflowed into a second message, and no text sent was cut inside an emoji.
    expect(texts.filter((t) => t.endsWith("▌")).length).toBeGreaterThan(1);
    for (const text of texts) expect(LONE_SURROGATE.test(text), text.slice(-20)).toBe(false);
    expect(visibleMessages(user.id).join("").replace(FOOTER, "").replace(/\s/g, "")).toBe(content);
    expect(stack.telegram.textOf(user.id, pending.messageId)?.endsWith("▌")).toBe(false);
  });

  it("an answer complete before the first preview interval is sent once, with no preview edit first", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({
      kind: "stream",
      chunks: ["Быстрый ", "потоковый ", "ответ."],
      chunkDelayMs: 5,
    });
    const since = stack.telegram.calls.length;
    const pending = await ask(stack, user, "быстрый вопрос");
    const final = await stack.telegram.waitForText(user.id, pending.messageId, (t) => FOOTER.test(t));
    expect(final.replace(FOOTER, "")).toBe("Быстрый потоковый ответ.");

    const previews = stack.telegram.calls
      .slice(since)
      .filter(
        (c) =>
          (c.method === "editMessageText" || c.method === "sendMessageDraft") &&
          c.payload.chat_id === user.id,
      );
    expect(previews.map((c) => c.method)).toEqual(["editMessageText"]);
  });

  it("in a group, the preview is edited less often", async () => {
    const user = stack.telegram.newUser();
    const group = stack.telegram.newGroup();
    const { content, chunks } = longAnswer(1500);
    stack.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 250 });
    const pending = await ask(stack, user, "потоковый ответ в группе", group);
    expect(await pending.answer(30_000)).toBe(
      await stack.telegram.waitForText(group.id, pending.messageId, (t) => FOOTER.test(t), 30_000),
    );
    expect(stack.telegram.textOf(group.id, pending.messageId)?.replace(FOOTER, "")).toBe(content);
    const previews = stack.telegram.calls.filter(
      (c) =>
        c.method === "editMessageText" &&
        c.payload.chat_id === group.id &&
        c.ok &&
        String(c.payload.text).endsWith("▌"),
    );
    const times = previews.map((c) => c.at);
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(2900);
  });

  it("keeps the text received when the stream breaks off, and says so", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({
      kind: "stream",
      chunks: ["Первая часть ", "ответа"],
      andThen: { error: 502 },
    });
    const text = await (await ask(stack, user, "оборвётся")).answer(30_000);
    expect(text).toMatch(
      /^Первая часть ответа\n\n⚠️ Ответ оборвался, показано то, что успело прийти\. Ошибка: \[502\] /,
    );
    expect(text).toMatch(FOOTER);

    stack.openrouter.enqueue({ kind: "stream", chunks: ["Начало, а потом "], andThen: "stall" });
    const stalled = await (await ask(stack, user, "зависнет посреди")).answer(30_000);
    expect(stalled).toMatch(/^Начало, а потом\n\n⚠️ Ответ оборвался.*Ошибка: \[timeout\] /s);
  });

  it("retries a failure before the first token like any request", async () => {
    const user = stack.telegram.newUser();
    const before = stack.openrouter.requests.length;
    stack.openrouter.enqueue(
      { kind: "error", status: 503 },
      { kind: "stream", chunks: ["Со второй ", "попытки"] },
    );
    expect(await (await ask(stack, user, "503 до потока")).answer(30_000)).toMatch(/^Со второй попытки\n\n/);
    expect(stack.openrouter.requests.slice(before).map((r) => r.stream)).toEqual([true, true]);
  });

  it("in a private chat, streams through message drafts where Telegram offers them", async () => {
    stack.telegram.draftsSupported = true;
    for (const worker of stack.workers) await worker.stop();
    await stack.addWorker();
    const user = stack.telegram.newUser();
    const { content, chunks } = longAnswer(2000);
    stack.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 100 });
    const pending = await ask(stack, user, "черновики");
    const firstDraft = await stack.telegram.waitForCall(
      (c) => c.method === "sendMessageDraft" && c.payload.chat_id === user.id,
    );
    expect(String(firstDraft.payload.text)).toMatch(/^Абзац 0/);
    expect(stack.telegram.textOf(user.id, pending.messageId)).toBe("⏳ Думаю над ответом…");
    expect((await pending.answer(30_000)).replace(FOOTER, "")).toBe(content);
    const drafts = stack.telegram.calls.filter(
      (c) => c.method === "sendMessageDraft" && c.payload.chat_id === user.id,
    );
    expect(drafts.length).toBeGreaterThan(0);
    for (let i = 1; i < drafts.length; i++)
      expect((drafts[i]?.at ?? 0) - (drafts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(
      stack.telegram.calls.some(
        (c) =>
          c.method === "editMessageText" &&
          String(c.payload.text).endsWith("▌") &&
          c.payload.chat_id === user.id,
      ),
    ).toBe(false);
    stack.telegram.draftsSupported = false;
  });

  it("STREAM_ANSWERS=false asks without streaming", async () => {
    for (const worker of stack.workers) await worker.stop();
    await stack.addWorker({ STREAM_ANSWERS: "false" });
    const user = stack.telegram.newUser();
    const before = stack.openrouter.requests.length;
    expect(await (await ask(stack, user, "без потока")).answer()).toMatch(/^Ответ: без потока/);
    expect(stack.openrouter.requests[before]?.stream).toBe(false);
  });
});
