/** The bot speaks Russian and English: by Telegram's language_code, or as chosen with /lang; menus per language. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.js";

let bot: Stack;

beforeAll(async () => {
  bot = await Stack.start({ workers: 1 });
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0, 0]);
});

const cyrillic = /[а-яё]/i;

describe("languages", () => {
  it("registers the command menu in English by default and for en, in Russian for ru, uk, be and kk", () => {
    const menus = bot.telegram.calls
      .filter((c) => c.method === "setMyCommands")
      .map((c) => ({
        language: (c.payload.language_code as string | undefined) ?? "default",
        help: (c.payload.commands as { command: string; description: string }[]).find(
          (x) => x.command === "help",
        )?.description,
      }));
    expect(menus).toEqual(
      expect.arrayContaining([
        { language: "default", help: "Help on commands" },
        { language: "en", help: "Help on commands" },
        ...["ru", "uk", "be", "kk"].map((language) => ({ language, help: "Справка по командам" })),
      ]),
    );
  });

  it("answers an English-speaking user in English: help, notes, bad input, errors of input", async () => {
    const user = bot.telegram.newUser("Ann", "en");
    const [help] = await bot.say(user, "/help");
    expect(help).toContain("Commands:");
    expect(help).not.toMatch(cyrillic);
    const [start] = await bot.say(user, "/start");
    expect(start).toMatch(/^Hello, Ann!/);
    const [added] = await bot.say(user, "/note_add buy milk");
    expect(added).toMatch(/^Note #\d+ saved\.$/);
    expect(await bot.say(user, "/note_count")).toEqual(["You have 1 note."]);
    await bot.say(user, "/note_add buy bread");
    expect(await bot.say(user, "/note_count")).toEqual(["You have 2 notes."]);
    for (const input of [
      "/note_del abc",
      "/note_list 999",
      "/note_add",
      "/note_stats 0",
      "/nonsense",
      "/model x",
    ]) {
      const [reply] = await bot.say(user, input);
      expect(reply, input).not.toMatch(cyrillic);
    }
    const [stats] = await bot.say(user, "/note_stats 1");
    expect(stats).toMatch(/^Notes over the last 1 day \(UTC\): 2 in all\./);
  });

  it("gives Russian to Ukrainian, Belarusian and Kazakh speakers, and English to others", async () => {
    for (const code of ["uk", "be", "kk"]) {
      expect(await bot.say(bot.telegram.newUser("Тест", code), "/note_count")).toEqual([
        "У вас пока нет заметок.",
      ]);
    }
    expect(await bot.say(bot.telegram.newUser("Hans", "de"), "/note_count")).toEqual([
      "You have no notes yet.",
    ]);
  });

  it("switches with /lang and keeps the choice, whatever Telegram's language_code says", async () => {
    const user = bot.telegram.newUser("Ann", "en");
    expect(await bot.say(user, "/lang ru")).toEqual(["Готово: теперь я говорю с вами по-русски."]);
    expect(await bot.say(user, "/note_count")).toEqual(["У вас пока нет заметок."]);
    expect(await bot.say(user, "/lang xx")).toEqual(["Использование: /lang ru или /lang en."]);
    expect(await bot.say(user, "/lang en")).toEqual(["Done: I will speak English with you now."]);
    expect(await bot.say(user, "/note_count")).toEqual(["You have no notes yet."]);
  });

  it("puts the asker's language on the ask, so the placeholder is in it", async () => {
    const user = bot.telegram.newUser("Ann", "en");
    const before = bot.telegram.sentTo(user.id).length;
    bot.telegram.sendText(user, "/ask what is 2+2?");
    const [placeholder] = await bot.telegram.repliesTo(user.id, 1, before);
    expect(String(placeholder?.payload.text)).toBe("⏳ Thinking…");
  });
});
