import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinal, PLACEHOLDER } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1, env: { WORKER_CONCURRENCY: "64" } });
  stack.openrouter.setDefault({ kind: "answer", content: "Ответ под нагрузкой", delayMs: 200 });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const USERS = 200;
const ROUNDS = 30; // per user: 25 notes and 5 asks, interleaved

describe("load", () => {
  it("1000 asks from 200 users and 5000 note commands: each answered once, each note stored once, order kept", async () => {
    const users = Array.from({ length: USERS }, () => stack.telegram.newUser());
    const isAsk = (round: number) => round % 6 === 5;
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const user of users) {
        stack.telegram.sendText(user, isAsk(round) ? `/ask вопрос ${round}` : `/note_add заметка ${round}`);
      }
    }

    const noteIds: number[] = [];
    const placeholders: { chatId: number; messageId: number }[] = [];
    for (const user of users) {
      const replies = await stack.telegram.repliesTo(user.id, ROUNDS, 0, 180_000);
      // Per-chat order: reply i answers command i.
      replies.forEach((reply, round) => {
        if (isAsk(round)) {
          expect(reply.payload.text).toBe(PLACEHOLDER);
          placeholders.push({ chatId: user.id, messageId: reply.messageId as number });
        } else {
          const id = /^Заметка #(\d+) сохранена\.$/.exec(String(reply.payload.text))?.[1];
          expect(id, String(reply.payload.text)).toBeDefined();
          noteIds.push(Number(id));
        }
      });
    }
    const repliedMs = Date.now() - started;
    const answers = await Promise.all(
      placeholders.map((p) => stack.telegram.waitForText(p.chatId, p.messageId, isFinal, 180_000)),
    );
    const answeredMs = Date.now() - started;
    for (const answer of answers) expect(answer).toMatch(/^Ответ под нагрузкой\n\n\(\d+ мс; модель: /);
    // Answers shown: accepted edits carrying the final footer (previews and queue notes have none).
    const edits = new Map<string, number>();
    for (const call of stack.telegram.calls) {
      if (call.method !== "editMessageText" || call.ok !== true) continue;
      if (!/мс; модель:/.test(String(call.payload.text))) continue;
      const key = `${call.payload.chat_id}:${call.payload.message_id}`;
      edits.set(key, (edits.get(key) ?? 0) + 1);
    }
    expect(placeholders.filter((p) => edits.get(`${p.chatId}:${p.messageId}`) !== 1)).toEqual([]);
    for (const user of users) expect(stack.telegram.sentTo(user.id)).toHaveLength(ROUNDS);

    const { rows } = await stack.db.query<{ id: string; user_id: string; text: string }>(
      "SELECT id, user_id, text FROM notes ORDER BY id",
    );
    expect(rows).toHaveLength(noteIds.length);
    expect(new Set(rows.map((r) => Number(r.id)))).toEqual(new Set(noteIds));
    for (const user of users) {
      const texts = rows.filter((r) => r.user_id === String(user.id)).map((r) => r.text);
      const expected = Array.from({ length: ROUNDS }, (_, round) => round)
        .filter((round) => !isAsk(round))
        .map((round) => `заметка ${round}`);
      expect(texts).toEqual(expected);
    }
    expect(stack.openrouter.requests).toHaveLength(placeholders.length);
    console.info(
      `load: ${placeholders.length} asks answered once each (0 duplicates, 0 lost), ${noteIds.length} notes stored once; ` +
        `all replies in ${repliedMs} ms, all answers in ${answeredMs} ms`,
    );
  });
});
