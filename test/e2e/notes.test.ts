import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.js";

let bot: Stack;

beforeAll(async () => {
  bot = await Stack.start();
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0]);
});

const notesOf = async (userId: number) =>
  (await bot.db.query("SELECT id, text, chat_id FROM notes WHERE user_id = $1 ORDER BY id", [userId])).rows;

const addedId = (reply: string | undefined) => {
  const match = /^Заметка #(\d+) сохранена\.$/.exec(reply ?? "");
  if (!match?.[1]) throw new Error(`not an "added" reply: ${reply}`);
  return match[1];
};

describe("notes, end to end through the real gateway", () => {
  it("registers the command menu and greets with the list of commands", async () => {
    const setMyCommands = bot.telegram.calls.find((c) => c.method === "setMyCommands");
    const commands = ((setMyCommands?.payload.commands ?? []) as { command: string }[]).map((c) => c.command);
    expect(commands).toEqual(expect.arrayContaining(["note_add", "note_list", "models", "model", "help"]));

    const user = bot.telegram.newUser("Анна");
    const [greeting] = await bot.say(user, "/start");
    expect(greeting).toContain("Здравствуйте, Анна!");
    for (const command of commands) expect(greeting).toContain(`/${command}`);
    const [help] = await bot.say(user, "/help");
    expect(help).toContain("до 3000 символов");
  });

  it("adds, lists, counts, edits and deletes a user's notes", async () => {
    const user = bot.telegram.newUser();
    const first = addedId((await bot.say(user, "/note_add купить молоко"))[0]);
    const second = addedId((await bot.say(user, "/note_add позвонить маме\nвечером 🙂"))[0]);
    expect(await notesOf(user.id)).toEqual([
      { id: first, text: "купить молоко", chat_id: String(user.id) },
      { id: second, text: "позвонить маме\nвечером 🙂", chat_id: String(user.id) },
    ]);

    const [list] = await bot.say(user, "/note_list");
    expect(list).toMatch(
      new RegExp(`#${second} · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\nпозвонить маме\\nвечером 🙂`),
    );
    expect(list?.indexOf(`#${second}`)).toBeLessThan(list?.indexOf(`#${first}`) ?? -1);
    expect((await bot.say(user, "/note_list 1"))[0]).not.toContain(`#${first}`);
    expect(await bot.say(user, "/note_count")).toEqual(["У вас 2 заметки."]);

    expect(await bot.say(user, `/note_edit ${first} купить кефир`)).toEqual([`Заметка #${first} изменена.`]);
    expect(await bot.say(user, `/note_del ${second}`)).toEqual([`Заметка #${second} удалена.`]);
    expect(await notesOf(user.id)).toEqual([{ id: first, text: "купить кефир", chat_id: String(user.id) }]);
    expect(await bot.say(user, `/note_del ${second}`)).toEqual([`Заметки #${second} у вас нет.`]);
  });

  it("treats another user's note exactly like a missing one", async () => {
    const owner = bot.telegram.newUser();
    const stranger = bot.telegram.newUser();
    const id = addedId((await bot.say(owner, "/note_add секрет"))[0]);
    const missing = String(Number(id) + 1_000_000);

    expect(await bot.say(stranger, `/note_edit ${id} взлом`)).toEqual([`Заметки #${id} у вас нет.`]);
    expect(await bot.say(stranger, `/note_edit ${missing} взлом`)).toEqual([
      `Заметки #${missing} у вас нет.`,
    ]);
    expect(await bot.say(stranger, `/note_del ${id}`)).toEqual([`Заметки #${id} у вас нет.`]);
    expect(await bot.say(stranger, "/note_find секрет")).toEqual(["Заметок с «секрет» не найдено."]);
    expect(await bot.say(stranger, "/note_list")).toEqual([expect.stringContaining("нет заметок")]);
    expect(await notesOf(owner.id)).toEqual([{ id, text: "секрет", chat_id: String(owner.id) }]);
  });

  it("finds case-insensitively, with %, _, \\ and quotes taken literally", async () => {
    const user = bot.telegram.newUser();
    const texts = [
      "Скидка 50% на всё",
      "скидка 5 рублей",
      "file_name.txt",
      "filename.txt",
      "C:\\temp\\x",
      // What "\\temp" would find if the backslash escaped the "t" instead of being one.
      "C:temp",
      "O'Reilly; DROP TABLE notes; --",
      "Ёлка и ПРИВЕТ",
    ];
    const ids = new Map<string, string>();
    for (const text of texts) ids.set(text, addedId((await bot.say(user, `/note_add ${text}`))[0]));

    const found = async (query: string) => {
      const [reply] = await bot.say(user, `/note_find ${query}`);
      return texts.filter((t) => reply?.includes(`#${ids.get(t)} `));
    };
    expect(await found("50%")).toEqual(["Скидка 50% на всё"]);
    expect(await found("СКИДКА")).toEqual(["Скидка 50% на всё", "скидка 5 рублей"]);
    expect(await found("e_n")).toEqual(["file_name.txt"]);
    expect(await found("\\temp")).toEqual(["C:\\temp\\x"]);
    // A backslash at the end, and one before a wildcard: still the characters themselves.
    expect(await found("temp\\")).toEqual(["C:\\temp\\x"]);
    expect(await found("\\%")).toEqual([]);
    expect(await found("'Reilly; DROP")).toEqual(["O'Reilly; DROP TABLE notes; --"]);
    expect(await found("привет")).toEqual(["Ёлка и ПРИВЕТ"]);
    expect(await found("%")).toEqual(["Скидка 50% на всё"]);
    expect((await notesOf(user.id)).map((n) => n.text)).toEqual(texts);
  });

  it("answers every bad input with a usage or error message and changes nothing", async () => {
    const user = bot.telegram.newUser();
    const id = addedId((await bot.say(user, "/note_add оригинал"))[0]);
    const cases: [string, RegExp][] = [
      ["/note_add", /Напишите текст заметки/],
      ["/note_add    ", /Напишите текст заметки/],
      [`/note_add ${"я".repeat(3001)}`, /слишком длинная: 3001 символов, можно до 3000/],
      ["/note_add до\u0000после", /нулевой символ/],
      ["/note_find \u0000", /нулевой символ/],
      ["/note_list abc", /Использование: \/note_list/],
      ["/note_list -1", /Использование: \/note_list/],
      ["/note_list 0", /Использование: \/note_list/],
      ["/note_list 51", /Использование: \/note_list/],
      ["/note_list 99999999999999999999", /Использование: \/note_list/],
      ["/note_find", /Напишите, что искать/],
      ["/note_edit", /Использование: \/note_edit/],
      [`/note_edit ${id}`, /Использование: \/note_edit/],
      ["/note_edit abc текст", /«abc» — не номер заметки/],
      ["/note_edit -1 текст", /«-1» — не номер заметки/],
      ["/note_edit 0 текст", /«0» — не номер заметки/],
      ["/note_edit 99999999999999999999 текст", /«99999999999999999999» — не номер заметки/],
      [`/note_edit ${id} ${"я".repeat(3001)}`, /слишком длинная/],
      ["/note_del", /Использование: \/note_del/],
      ["/note_del abc", /не номер заметки/],
      ["/note_del -1", /не номер заметки/],
      ["/note_del 0", /не номер заметки/],
      ["/note_del 99999999999999999999", /не номер заметки/],
      ["/note_del 1.5", /не номер заметки/],
      [`/note_del ${"x".repeat(5000)}`, /^«x{40}…» — не номер заметки/],
      ["/note_count всё", /без аргументов/],
      ["/note_export сейчас", /Использование: \/note_export/],
      ["/note_stats abc", /Использование: \/note_stats/],
      ["/note_stats 0", /Использование: \/note_stats/],
      ["/note_stats 366", /Использование: \/note_stats/],
      ["/note_nonsense", /Неизвестная команда/],
    ];
    for (const [input, expected] of cases) {
      expect(await bot.say(user, input), input).toEqual([expect.stringMatching(expected)]);
    }
    expect(await notesOf(user.id)).toEqual([{ id, text: "оригинал", chat_id: String(user.id) }]);
  });

  it("stores a note of exactly the limit, in emoji and other non-ASCII text", async () => {
    const user = bot.telegram.newUser();
    // The limit is in Telegram's units: each of these emoji counts twice.
    const text = `${"🙂".repeat(500)}${"ж".repeat(1000)}${"中".repeat(1000)}`;
    addedId((await bot.say(user, `/note_add ${text}`))[0]);
    expect((await notesOf(user.id)).map((n) => n.text)).toEqual([text]);
  });

  it("works with the bot's username and in group chats", async () => {
    const user = bot.telegram.newUser();
    const group = bot.telegram.newGroup();
    const id = addedId((await bot.say(user, "/note_add@NotesTestBot из группы", { chat: group }))[0]);
    expect(await notesOf(user.id)).toEqual([{ id, text: "из группы", chat_id: String(group.id) }]);
    const [list] = await bot.say(user, "/note_list@NotesTestBot", { chat: group });
    expect(list).toContain(`#${id} `);
    // A command for another bot is not ours to answer; the next one is answered in order.
    expect(await bot.say(user, "/note_list@OtherBot", { chat: group, replies: 0 })).toEqual([]);
    expect(await bot.say(user, "/note_count", { chat: group })).toEqual(["У вас 1 заметка."]);
  });

  it("exports all notes as a UTF-8 .txt document", async () => {
    const user = bot.telegram.newUser();
    expect(await bot.say(user, "/note_export")).toEqual(["Выгружать нечего: у вас пока нет заметок."]);
    const a = addedId((await bot.say(user, "/note_add первая"))[0]);
    const b = addedId((await bot.say(user, "/note_add вторая 🙂"))[0]);
    const before = bot.telegram.sentTo(user.id).length;
    await bot.say(user, "/note_export");
    const call = bot.telegram.sentTo(user.id)[before];
    expect(call?.method).toBe("sendDocument");
    const document = call?.payload.document as { filename: string; content: string };
    expect(document.filename).toMatch(/\.txt$/);
    expect(document.content).toMatch(
      new RegExp(`^#${a} · .+ UTC\\nпервая\\n\\n#${b} · .+ UTC\\nвторая 🙂\\n\\n$`),
    );
    expect(call?.payload.caption).toBe("Ваши заметки: 2. Время UTC.");
  });

  it("shows notes per day over the requested days", async () => {
    const user = bot.telegram.newUser();
    for (const text of ["a", "b", "c"]) await bot.say(user, `/note_add ${text}`);
    await bot.db.query(
      "UPDATE notes SET created_at = now() - interval '2 days' WHERE user_id = $1 AND text = 'a'",
      [user.id],
    );
    await bot.db.query(
      "UPDATE notes SET created_at = now() - interval '40 days' WHERE user_id = $1 AND text = 'b'",
      [user.id],
    );
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

    const [week] = await bot.say(user, "/note_stats");
    expect(week?.split("\n")[0]).toBe("Заметки за последние 7 дней (UTC): всего 2.");
    const weekLines = week?.split("\n").slice(2) ?? [];
    expect(weekLines).toHaveLength(7);
    expect(weekLines[6]).toMatch(new RegExp(`^${day(0)}\\s+1 ▇+$`));
    expect(weekLines[4]).toMatch(new RegExp(`^${day(2)}\\s+1 ▇+$`));
    expect(weekLines[5]).toBe(`${day(1)}     0`);

    const [year] = await bot.say(user, "/note_stats 365");
    expect(year).toContain("всего 3.");
    expect(year?.split("\n").filter((l) => /^\d{4}-/.test(l))).toHaveLength(3);
  });

  it("splits a long list into several messages without cutting any note", async () => {
    const user = bot.telegram.newUser();
    const texts = Array.from({ length: 5 }, (_, i) => `${i}`.repeat(2500));
    for (const text of texts) await bot.say(user, `/note_add ${text}`);
    const replies = await bot.say(user, "/note_list 5", { replies: 5 });
    for (const reply of replies) expect(reply.length).toBeLessThanOrEqual(4096);
    const shown = replies.join("\n");
    for (const text of texts) expect(shown).toContain(text);
  });
});
