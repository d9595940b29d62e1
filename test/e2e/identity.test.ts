/**
 * Access and identity with the defaults (ADMIN_USER_IDS and ALLOWED_USER_IDS empty), through the real
 * gateway: nobody is an admin, and an admin command tells the sender their id; the operator is warned at
 * start-up; updates sent on behalf of a chat or by Telegram's service accounts never touch anybody's data.
 */
import type { Chat, User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLACEHOLDER } from "../support/ask.js";
import {
  anonymousAdminOf,
  asChannel,
  automaticForwardOf,
  GROUP_ANONYMOUS_BOT,
  newChannel,
  newSupergroup,
} from "../support/senders.js";
import { Stack } from "../support/stack.js";

let bot: Stack;

beforeAll(async () => {
  bot = await Stack.start();
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0]);
});

const activeModel = async () => (await bot.db.query("SELECT id FROM models WHERE active")).rows[0]?.id;
const modelCount = async () => (await bot.db.query("SELECT count(*)::int AS n FROM models")).rows[0]?.n;
const reply = async (from: User, text: string, chat?: Chat) =>
  (await bot.say(from, text, chat ? { chat } : {}))[0] ?? "";

describe("with ADMIN_USER_IDS empty", () => {
  it("nobody is an admin: admin commands change nothing and tell the sender their id and the variable", async () => {
    const stranger = bot.telegram.newUser();
    const [before, models] = [await activeModel(), await modelCount()];
    const target = before === 3 ? 2 : 3;
    const howTo = `Ваш Telegram id: ${stranger.id}. Чтобы сделать вас администратором, владелец бота добавляет его в переменную ADMIN_USER_IDS.`;

    expect(await reply(stranger, `/model ${target}`)).toBe(
      `Менять модель могут только администраторы бота. Ничего не изменено.\n${howTo}`,
    );
    expect(await reply(stranger, "/models_sync")).toBe(
      `Эта команда — только для администраторов бота. Ничего не изменено.\n${howTo}`,
    );
    expect(await reply(stranger, "/model_add acme/new-model:free")).toBe(
      `Эта команда — только для администраторов бота. Ничего не изменено.\n${howTo}`,
    );
    expect(await activeModel()).toBe(before);
    expect(await modelCount()).toBe(models);
    // Only the sender's own sums: no bot totals, no key.
    expect(await reply(stranger, "/usage")).toBe(
      "Ваши вопросы сегодня (UTC): 0, токенов: 0.\nВсего: 0, токенов: 0.",
    );

    const english = bot.telegram.newUser("Ann", "en");
    expect(await reply(english, `/model ${target}`)).toBe(
      `Only the bot's admins may switch the model. Nothing was changed.\nYour Telegram id: ${english.id}. To make you an admin, the bot's owner adds it to the ADMIN_USER_IDS variable.`,
    );
    expect(await activeModel()).toBe(before);
  });

  it("the gateway warns at start-up that the bot is public and has no admin", () => {
    const warnings = bot.gateway.output
      .split("\n")
      .filter((line) => line.includes('"level":40'))
      .map((line) => (JSON.parse(line) as { variable?: string }).variable);
    expect(warnings).toEqual(expect.arrayContaining(["ALLOWED_USER_IDS", "ADMIN_USER_IDS"]));
  });
});

describe("a sender that is not a person", () => {
  const NOTICE =
    /^Я отвечаю только людям: .*Напишите мне от своего имени.*\n\nI answer people only: .*Write to me as yourself/s;
  const notesOf = async (userId: number) =>
    (await bot.db.query("SELECT text FROM notes WHERE user_id = $1", [userId])).rows.map((r) => r.text);

  it("an anonymous admin neither saves nor reads the notes every anonymous admin would share", async () => {
    const groupA = newSupergroup(bot.telegram);
    const groupB = newSupergroup(bot.telegram);
    const a = anonymousAdminOf(groupA);
    const b = anonymousAdminOf(groupB);
    // A note left under the stand-in's id (as the bot stored it before), to prove nothing reads it.
    await bot.db.query("INSERT INTO notes (user_id, chat_id, text) VALUES ($1, $2, 'секрет группы A')", [
      GROUP_ANONYMOUS_BOT.id,
      groupA.id,
    ]);

    for (const [sender, group, command] of [
      [a, groupA, "/note_add секрет группы A"],
      [b, groupB, "/note_find секрет"],
      [b, groupB, "/note_list"],
      [b, groupB, "/usage"],
      [b, groupB, "/lang en"],
      [b, groupB, "/reset"],
    ] as const) {
      const before = bot.telegram.sentTo(group.id).length;
      bot.telegram.sendText(sender.from, command, group, sender.extra);
      const [answer] = await bot.telegram.repliesTo(group.id, 1, before);
      expect(String(answer?.payload.text), command).toMatch(NOTICE);
    }
    expect(await notesOf(GROUP_ANONYMOUS_BOT.id)).toEqual(["секрет группы A"]);
    const { rows } = await bot.db.query("SELECT count(*)::int AS n FROM user_settings WHERE user_id = $1", [
      GROUP_ANONYMOUS_BOT.id,
    ]);
    expect(rows[0].n).toBe(0);

    // A person in the same group is served as always.
    const person = bot.telegram.newUser();
    expect(await reply(person, "/note_add моя", groupB)).toMatch(/^Заметка #\d+ сохранена/);
    expect(await notesOf(person.id)).toEqual(["моя"]);
  });

  it("a message sent as a channel asks nothing, also when it mentions the bot", async () => {
    const group = newSupergroup(bot.telegram);
    const channel = asChannel(newChannel(bot.telegram));
    for (const text of ["/ask сколько будет 2+2?", "@NotesTestBot сколько будет 2+2?"]) {
      const before = bot.telegram.sentTo(group.id).length;
      bot.telegram.sendText(channel.from, text, group, channel.extra);
      const [answer] = await bot.telegram.repliesTo(group.id, 1, before);
      expect(String(answer?.payload.text), text).toMatch(NOTICE);
    }
    // Handled in order: the next person's command is answered right after, and no placeholder came between.
    const person = bot.telegram.newUser();
    await reply(person, "/note_count", group);
    expect(bot.telegram.sentTo(group.id).map((c) => c.payload.text)).not.toContain(PLACEHOLDER);
    const { rows } = await bot.db.query("SELECT count(*)::int AS n FROM ask_usage WHERE user_id = $1", [
      channel.from.id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it("a linked channel's post forwarded into its discussion group gets no reply at all", async () => {
    const group = newSupergroup(bot.telegram);
    const post = automaticForwardOf(newChannel(bot.telegram), 17);
    bot.telegram.sendText(post.from, "/note_add пост канала @NotesTestBot", group, post.extra);
    const person = bot.telegram.newUser();
    // The chat's updates are handled in order: the person's reply is the first and only one.
    expect(await reply(person, "/note_count", group)).toBe("У вас пока нет заметок.");
    expect(bot.telegram.sentTo(group.id)).toHaveLength(1);
    expect(await notesOf(post.from.id)).toEqual([]);
  });
});
