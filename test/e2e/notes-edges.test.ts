/**
 * Notes at their edges: lengths as Telegram counts them (emoji), a database whose TimeZone is not UTC,
 * exports too large for one document or whose upload fails once, and a failed reply's log line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportParts } from "../../services/gateway/src/features/notes/export.js";
import { createNotesRepository } from "../../services/gateway/src/features/notes/repository.js";
import { Stack } from "../support/stack.js";

let bot: Stack;

beforeAll(async () => {
  bot = await Stack.start();
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0]);
});

const addedId = (reply: string | undefined) => {
  const match = /^Заметка #(\d+) сохранена\.$/.exec(reply ?? "");
  if (!match?.[1]) throw new Error(`not an "added" reply: ${reply}`);
  return match[1];
};

const insertNote = async (userId: number, text: string, createdAt = "now()") =>
  String(
    (
      await bot.db.query<{ id: string }>(
        `INSERT INTO notes (user_id, chat_id, text, created_at) VALUES ($1, $1, $2, ${createdAt}) RETURNING id`,
        [userId, text],
      )
    ).rows[0]?.id,
  );

describe("lengths are counted as Telegram counts them", () => {
  it("refuses a note of emoji past the limit in Telegram's units, and stores one that fits", async () => {
    const user = bot.telegram.newUser();
    // 2,040 emoji are 4,080 units: a message Telegram delivers, but a note that could never be listed.
    const [tooLong] = await bot.say(user, `/note_add ${"🙂".repeat(2040)}`);
    expect(tooLong).toBe("Заметка слишком длинная: 4080 символов, можно до 3000. Ничего не сохранено.");
    const id = addedId((await bot.say(user, `/note_add ${"🙂".repeat(1500)}`))[0]);
    const [list] = await bot.say(user, "/note_list");
    expect(list).toContain(`#${id} `);
    expect(list).toContain("🙂".repeat(1500));
  });

  it("lists and finds a note stored longer than a message, in parts that cut no emoji", async () => {
    const user = bot.telegram.newUser();
    const text = `начало ${"🙂".repeat(2500)} конец`;
    const id = await insertNote(user.id, text);
    for (const command of ["/note_list", "/note_find конец"]) {
      const replies = await bot.say(user, command, { replies: 3 });
      const joined = replies.join("");
      expect(joined).toContain(`#${id} `);
      expect(joined.match(/🙂/g)).toHaveLength(2500);
      for (const reply of replies) {
        expect(reply.length).toBeLessThanOrEqual(4096);
        expect(reply.isWellFormed()).toBe(true); // no emoji cut in half
      }
      expect(joined).not.toContain("Что-то пошло не так");
    }
  });
});

describe("exports", () => {
  it("splits an export into documents of at most the part size, losing and repeating nothing", async () => {
    const user = bot.telegram.newUser();
    const texts = Array.from({ length: 57 }, (_, i) => `заметка ${i} ${"ж".repeat(i * 7)}`);
    for (const text of texts) await insertNote(user.id, text);
    const notes = createNotesRepository(bot.db);
    const parts: string[] = [];
    for await (const file of exportParts(notes, user.id, { maxBytes: 2_000, pageSize: 7 })) {
      const supplier = (file as unknown as { fileData: () => AsyncIterable<Uint8Array> }).fileData;
      // Read twice, as a retried upload would: the second reading is the same part.
      const read = async () => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of supplier()) chunks.push(chunk);
        return Buffer.concat(chunks);
      };
      const first = await read();
      expect((await read()).equals(first)).toBe(true);
      expect(first.length).toBeLessThanOrEqual(2_000);
      parts.push(first.toString("utf8"));
    }
    expect(parts.length).toBeGreaterThan(5);
    const found = parts.join("").match(/^заметка \d+ ж*$/gm) ?? [];
    expect(found).toEqual(texts);
  });

  it("sends the whole document again when its upload fails once", async () => {
    const user = bot.telegram.newUser();
    for (const text of ["раз", "два"]) await bot.say(user, `/note_add ${text}`);
    bot.telegram.failNext("sendDocument", { error_code: 500, description: "Internal Server Error" });
    const before = bot.telegram.sentTo(user.id).length;
    await bot.say(user, "/note_export");
    const documents = bot.telegram.sentTo(user.id).slice(before);
    expect(documents.map((c) => c.method)).toEqual(["sendDocument"]);
    const document = documents[0]?.payload.document as { content: string };
    expect(document.content).toMatch(/^#\d+ · .+ UTC\nраз\n\n#\d+ · .+ UTC\nдва\n\n$/);
  });
});

describe("logs", () => {
  it("logs a failed reply with its method and code, never the note's text", async () => {
    const user = bot.telegram.newUser();
    const secret = `тайна-${user.id}-никому`;
    await bot.say(user, `/note_add ${secret}`);
    bot.telegram.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const [reply] = await bot.say(user, "/note_list");
    expect(reply).toBe("Что-то пошло не так. Попробуйте ещё раз чуть позже.");
    await bot.gateway.waitForOutput(/"msg":"command failed"/);
    const line = bot.gateway.output.split("\n").find((l) => l.includes('"msg":"command failed"')) ?? "";
    expect(line).toContain("sendMessage");
    expect(line).toContain("400");
    expect(bot.gateway.output).not.toContain(secret);
  });
});

describe("a database whose TimeZone is not UTC", () => {
  it("counts notes per UTC day", async () => {
    const database = new URL(bot.databaseUrl).pathname.slice(1);
    // UTC+14: local midnight is ten hours before UTC's, so every local-time conversion shows up.
    await bot.db.query(`ALTER DATABASE "${database}" SET timezone TO 'Pacific/Kiritimati'`);
    await bot.gateway.stop();
    await bot.startGateway();
    const user = bot.telegram.newUser();
    const midnight = "(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";
    await insertNote(user.id, "вчера поздно", `${midnight} - interval '1 hour'`);
    await insertNote(user.id, "сегодня рано", `${midnight} + interval '1 second'`);
    await insertNote(user.id, "позавчера", `${midnight} - interval '2 days' + interval '30 minutes'`);
    await insertNote(user.id, "неделю назад", `${midnight} - interval '7 days' + interval '1 minute'`);
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

    const [week] = await bot.say(user, "/note_stats");
    expect(week?.split("\n")[0]).toBe("Заметки за последние 7 дней (UTC): всего 3.");
    const lines = week?.split("\n").slice(2) ?? [];
    expect(lines.map((l) => l.replace(/\s+▇+$/, "").replace(/\s+/g, " "))).toEqual([
      `${day(6)} 0`,
      `${day(5)} 0`,
      `${day(4)} 0`,
      `${day(3)} 0`,
      `${day(2)} 1`,
      `${day(1)} 1`,
      `${day(0)} 1`,
    ]);
  });
});
