import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { FakeGroups } from "../support/fake-groups.js";
import { Stack } from "../support/stack.js";

let stack: Stack;
let groups: FakeGroups;
const FOOTER = /\n\n\(\d+ мс; модель: [^)]+\)$/;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: { STREAM_ANSWERS: "true", STREAM_EDIT_INTERVAL_MS: "200" },
  });
  groups = new FakeGroups(stack.telegram);
});

afterAll(async () => {
  for (const code of await stack.stop()) expect(code).toBe(0);
});

/** A paragraph-rich answer of about `length` characters, streamed in 200-character chunks. */
function longAnswer(length: number): { content: string; chunks: string[] } {
  const paragraphs: string[] = [];
  for (let i = 0; paragraphs.join("\n\n").length < length; i++)
    paragraphs.push(`Абзац ${i}: ${"слово ".repeat(30)}конец.`);
  const content = paragraphs.join("\n\n");
  return { content, chunks: content.match(/[\s\S]{1,200}/g) ?? [] };
}

const sends = (chatId: number, since: number) =>
  stack.telegram.calls
    .slice(since)
    .filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId);

describe("forum topics", () => {
  it("every message of a long streamed answer goes to the question's topic, even with General closed", async () => {
    const user = stack.telegram.newUser();
    const forum = groups.newForum();
    groups.close(forum.id, "general");
    const { content, chunks } = longAnswer(9000);
    stack.openrouter.enqueue({ kind: "stream", chunks, chunkDelayMs: 40 });
    const since = stack.telegram.calls.length;
    groups.sendInTopic(user, "/ask длинный ответ в теме", forum, 42);

    await stack.telegram.until(
      () => {
        const last = sends(forum.id, since)
          .filter((c) => c.ok)
          .at(-1);
        const text = last && stack.telegram.textOf(forum.id, last.messageId as number);
        return text !== undefined && FOOTER.test(text);
      },
      60_000,
      () => `no footer; sends: ${JSON.stringify(sends(forum.id, since).map((c) => [c.ok, c.payload.text]))}`,
    );
    const sent = sends(forum.id, since);
    // The placeholder, the preview's overflow messages and the answer's parts: all in topic 42, none refused.
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.map((c) => [c.ok, Number(c.payload.message_thread_id)])).toEqual(sent.map(() => [true, 42]));
    const visible = sent
      .map((c) => stack.telegram.textOf(forum.id, c.messageId as number))
      .filter((t) => t !== undefined);
    expect(visible.join("\n\n").replace(FOOTER, "")).toBe(content);
  });
});

describe("forum topics, continued", () => {
  it("an answer whose placeholder the user deleted, and an error, are sent anew in the question's topic", async () => {
    const user = stack.telegram.newUser();
    const forum = groups.newForum();
    groups.close(forum.id, "general");
    const since = stack.telegram.calls.length;
    stack.openrouter.enqueue({ kind: "error", status: 401 });
    const placeholderHeld = stack.telegram.hold(
      (c) => c.method === "editMessageText" && Number(c.payload.chat_id) === forum.id,
    );
    groups.sendInTopic(user, "/ask вопрос, чей плейсхолдер удалят", forum, 7);
    const [placeholder] = await stack.telegram.repliesTo(forum.id, 1, 0, 15_000);
    // The user deletes the placeholder before the bot edits it.
    await fetch(
      `${stack.telegram.apiRoot}/bot${stack.telegram.token}/deleteMessage?chat_id=${forum.id}&message_id=${placeholder?.messageId}`,
    );
    await stack.telegram.waitForCall(
      (c) => c.method === "editMessageText" && Number(c.payload.chat_id) === forum.id,
    );
    placeholderHeld.release();
    await stack.telegram.until(
      () => sends(forum.id, since).filter((c) => c.ok).length >= 2,
      30_000,
      () => `sends: ${JSON.stringify(sends(forum.id, since).map((c) => [c.ok, c.payload.text]))}`,
    );
    const sent = sends(forum.id, since);
    expect(sent.map((c) => [c.ok, Number(c.payload.message_thread_id)])).toEqual([
      [true, 7],
      [true, 7],
    ]);
    expect(String(sent[1]?.payload.text)).toMatch(/^Ошибка: \[401\]/);
  });
});

const roles = (index: number) =>
  stack.openrouter.requests[index]?.messages.map((m) => `${m.role}: ${String(m.content).slice(0, 40)}`);

describe("a group upgraded to a supergroup", () => {
  it("gets the answer on its way in the new chat, and the chat's memory moves with it", async () => {
    const user = stack.telegram.newUser();
    const group = stack.telegram.newGroup();
    stack.openrouter.enqueue({ kind: "answer", content: "Первый ответ." });
    await (await ask(stack, user, "первый вопрос", group)).answer();

    stack.openrouter.enqueue({ kind: "stream", chunks: ["Второй ", "ответ ", "пришёл."], chunkDelayMs: 700 });
    await ask(stack, user, "второй вопрос", group);
    const supergroup = groups.migrate(group, user);
    const shownIn = (chatId: number, pattern: RegExp) =>
      stack.telegram
        .sentTo(chatId)
        .some((c) => pattern.test(stack.telegram.textOf(chatId, c.messageId as number) ?? ""));
    await stack.telegram.until(
      () => shownIn(supergroup.id, /^Второй ответ пришёл\.\n\n\(\d+ мс/),
      30_000,
      () =>
        `no answer in the supergroup: ${JSON.stringify(stack.telegram.sentTo(supergroup.id).map((c) => c.payload.text))}`,
    );

    const third = stack.openrouter.requests.length;
    await (await ask(stack, user, "третий вопрос", supergroup)).answer();
    expect(roles(third)).toEqual([
      expect.stringMatching(/^system: /),
      "user: первый вопрос",
      "assistant: Первый ответ.",
      "user: второй вопрос",
      "assistant: Второй ответ пришёл.",
      "user: третий вопрос",
    ]);
  });
});
