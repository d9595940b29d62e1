import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start();
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0]);
});

const COMMANDS = [
  "note_add",
  "note_list",
  "note_find",
  "note_edit",
  "note_del",
  "note_count",
  "note_export",
  "note_import",
  "note_stats",
  "models",
  "model",
  "mymodel",
  "persona",
  "ask",
  "start",
  "help",
  "nonsense",
];
const HOSTILE = [
  "",
  " ",
  "/",
  "%",
  "_",
  "\\",
  "%_\\",
  "'; DROP TABLE notes; --",
  "1 OR 1=1",
  "-1",
  "0",
  "99999999999999999999",
  "1e309",
  "NaN",
  "0x10",
  "١٢٣",
  "\u0000",
  "\u202Eевреи\u202C",
  "👨‍👩‍👧‍👦".repeat(50),
  "\n\n\n",
  "<b>html</b> &amp;",
];

/** A note changes only through its owner's successful add, edit or delete. */
const CHANGED = /^Заметка #\d+ (сохранена|изменена|удалена)\.$/;

const snapshot = async () => {
  const { rows } = await stack.db.query<{ id: string; user_id: string; text: string; updated_at: Date }>(
    "SELECT id, user_id, text, updated_at FROM notes ORDER BY id",
  );
  const byUser = new Map<string, string>();
  for (const row of rows) {
    byUser.set(
      row.user_id,
      `${byUser.get(row.user_id) ?? ""}|${row.id}:${row.text}:${row.updated_at.getTime()}`,
    );
  }
  return byUser;
};

describe("hostile input", () => {
  it("always replies, never crashes, and changes a user's notes only through their own valid commands", async () => {
    const users = Array.from({ length: 4 }, () => stack.telegram.newUser());
    for (const user of users) for (let i = 0; i < 3; i++) await stack.say(user, `/note_add исходная ${i}`);
    const ids = (await stack.db.query<{ id: string }>("SELECT id FROM notes")).rows.map((r) => r.id);

    const argument = fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.constantFrom(...ids),
      fc.constantFrom(...ids).map((id) => `${id} чужая правка`),
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 100 }),
      fc.string({ minLength: 10_000, maxLength: 10_000 }),
      fc.tuple(fc.integer(), fc.string()).map(([n, s]) => `${n} ${s}`),
    );
    const input = fc.record({
      sender: fc.nat({ max: users.length - 1 }),
      command: fc.constantFrom(...COMMANDS),
      suffix: fc.constantFrom("", "@NotesTestBot", "@OtherBot"),
      argument,
      bare: fc.boolean(),
    });

    let tried = 0;
    await fc.assert(
      fc.asyncProperty(input, async ({ sender, command, suffix, argument, bare }) => {
        const user = users[sender] as (typeof users)[number];
        const text = bare ? argument : `/${command}${suffix} ${argument}`;
        const before = await snapshot();
        // A sentinel command after the input: every reply to the input arrives before the sentinel's (one chat,
        // in order), however many messages the input produced.
        const sentinel = `sentinel-${tried}`;
        const sentBefore = stack.telegram.sentTo(user.id).length;
        stack.telegram.sendText(user, text);
        stack.telegram.sendText(user, `/note_find ${sentinel}`);
        const sentinelReply = await stack.telegram.answered(
          await stack.telegram.waitForCall(
            (c) => c.payload.chat_id === user.id && String(c.payload.text).includes(sentinel),
          ),
        );
        const replies = stack.telegram
          .sentTo(user.id)
          .slice(sentBefore)
          .filter((c) => c !== sentinelReply)
          .map((c) => String(c.payload.text ?? c.payload.caption));
        // In a private chat even a command for another bot gets an answer (the unknown-command hint).
        expect(replies.length, JSON.stringify(text)).toBeGreaterThan(0);
        // Bad input is answered with usage or an error message, never with "something went wrong".
        for (const reply of replies) expect(reply, JSON.stringify(text)).not.toMatch(/^Что-то пошло не так/);
        const after = await snapshot();
        tried++;

        for (const other of users.filter((u) => u !== user)) {
          expect(after.get(String(other.id)), `${other.id} after ${JSON.stringify(text)}`).toBe(
            before.get(String(other.id)),
          );
        }
        if (!CHANGED.test(replies[0] ?? "")) {
          expect(after.get(String(user.id)), JSON.stringify(text)).toBe(before.get(String(user.id)));
        }
        expect(stack.gateway.running).toBe(true);
      }),
      { numRuns: 300, endOnFailure: true },
    );
    console.info(
      `hostile input: ${tried} inputs tried from ${users.length} users, gateway alive, no foreign change`,
    );
  });
});
