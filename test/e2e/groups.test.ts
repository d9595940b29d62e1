import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
