/**
 * `/mymodel` (the sender's own model) and `/persona` (the chat's persona) through the gateway built in
 * this process: what the user reads, what is stored, and what the queued ask carries (its model, its
 * fallbacks, the persona for the system prompt) — for every kind of ask, in private chats and groups,
 * with bad inputs, other users and other chats untouched. Texts come from the localizer.
 */
import type { Chat, Update } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ModelView, PERSONA_MAX_LENGTH } from "../../shared/src/domain/index.js";
import { askJobId } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

const ru = createLocalizer().of("ru");
const en = createLocalizer().of("en");
let gateway: GatewayInProcess;
let redis: Redis;

beforeAll(async () => {
  gateway = await startGatewayInProcess();
  redis = new Redis(inject("redisUrl"));
});

afterAll(async () => {
  redis.disconnect();
  await gateway.close();
});

type User = ReturnType<GatewayInProcess["telegram"]["newUser"]>;
type Model = ModelView;

/** Sends `text` as `user` (in their private chat, or in `chat`) and handles it; resolves with the bot's new replies' texts. */
async function say(user: User, text: string, chat?: Chat) {
  const chatId = chat?.id ?? user.id;
  const before = gateway.telegram.sentTo(chatId).length;
  const update = gateway.telegram.sendText(user, text, chat);
  await gateway.receive(update);
  return {
    update,
    replies: gateway.telegram
      .sentTo(chatId)
      .slice(before)
      .map((c) => c.payload.text),
  };
}

/** The ask job the gateway queued for an update (its data), if any. */
async function jobOf(update: Update): Promise<Record<string, unknown> | undefined> {
  const data = await redis.hget(`${gateway.queuePrefix}:ask:${askJobId(update.update_id)}`, "data");
  return data === null ? undefined : (JSON.parse(data) as Record<string, unknown>);
}

const model = async (id: number): Promise<Model> =>
  (
    await gateway.db.query<Model>(
      'SELECT id, key, label, active, available, context_length AS "contextLength" FROM models WHERE id = $1',
      [id],
    )
  ).rows[0] as Model;
const active = async (): Promise<Model> => {
  const { rows } = await gateway.db.query<{ id: number }>("SELECT id FROM models WHERE active");
  return model(rows[0]?.id as number);
};
const ownModelId = async (userId: number) =>
  (await gateway.db.query("SELECT model_id FROM user_settings WHERE user_id = $1", [userId])).rows[0]
    ?.model_id ?? null;
const setAvailable = (id: number, available: boolean) =>
  gateway.db.query("UPDATE models SET available = $2 WHERE id = $1", [id, available]);

describe("/mymodel", () => {
  it("shows the default when the user has none; once chosen, shows it and /models marks it 👤 for them alone", async () => {
    const user = gateway.telegram.newUser();
    const other = gateway.telegram.newUser();
    const fallback = await active();
    const mine = await model(3);

    expect((await say(user, "/mymodel")).replies).toEqual([
      `${ru.ownModel.none(fallback)}\n\n${ru.ownModel.usage}`,
    ]);
    expect((await say(user, "/mymodel 3")).replies).toEqual([ru.ownModel.set(mine)]);
    expect((await say(user, "/mymodel")).replies).toEqual([
      `${ru.ownModel.shown(mine, fallback)}\n\n${ru.ownModel.usage}`,
    ]);

    const listed = (await say(user, "/models")).replies.join("\n").split("\n");
    expect(listed[0]).toBe(ru.modelsHeader);
    expect(listed.slice(1).filter((l) => l?.includes("👤"))).toEqual([ru.modelLine(mine, true)]);
    expect(listed.filter((l) => l?.startsWith("★"))).toEqual([ru.modelLine(fallback)]);
    const othersList = (await say(other, "/models")).replies.join("\n");
    expect(othersList.split("\n").slice(1).join("\n")).not.toContain("👤");
    expect(othersList).toContain(ru.modelLine(mine));
  });

  it("every kind of ask of the user goes to their model, the default first among its fallbacks; another user's to the default", async () => {
    const user = gateway.telegram.newUser();
    const other = gateway.telegram.newUser();
    const fallback = await active();
    const mine = await model(4);
    await say(user, "/mymodel 4");
    await say(user, "/note_add Купить молоко и хлеб");
    await gateway.db.query(
      "INSERT INTO conversation_turns (chat_id, role, content) VALUES ($1, 'user', 'прошлый вопрос'), ($1, 'assistant', 'ответ')",
      [user.id],
    );

    const asks = [
      await say(user, "/ask Почему небо голубое?"),
      await say(user, "Просто вопрос"),
      await say(user, "/ask_notes молоко"),
      await say(user, "/note_digest 7"),
      await say(user, "/retry"),
    ];
    for (const { update } of asks) {
      const job = await jobOf(update);
      expect(job, JSON.stringify(update.message?.text)).toMatchObject({ modelKey: mine.key });
      const fallbacks = (job?.fallbackModelKeys ?? []) as string[];
      expect(fallbacks[0]).toBe(fallback.key);
      expect(fallbacks).not.toContain(mine.key);
    }
    // /retry with an id still asks that model.
    expect(await jobOf((await say(user, "/retry 5")).update)).toMatchObject({
      modelKey: (await model(5)).key,
    });
    expect(await jobOf((await say(other, "/ask Вопрос")).update)).toMatchObject({ modelKey: fallback.key });
  });

  it("in a group each sender's ask goes to their own model", async () => {
    const chooser = gateway.telegram.newUser();
    const member = gateway.telegram.newUser();
    const group = gateway.telegram.newGroup();
    await say(chooser, "/mymodel 6");

    const mine = await jobOf((await say(chooser, "/ask Вопрос в группе", group)).update);
    const theirs = await jobOf((await say(member, "/ask Вопрос в группе", group)).update);

    expect(mine).toMatchObject({ modelKey: (await model(6)).key, chatId: group.id });
    expect(theirs).toMatchObject({ modelKey: (await active()).key, chatId: group.id });
  });

  it("a bad, unknown or unavailable id gets a clear reply and changes nothing; reset goes back to the default", async () => {
    const user = gateway.telegram.newUser();
    await say(user, "/mymodel 2");
    await setAvailable(9, false);
    try {
      expect((await say(user, "/mymodel два")).replies).toEqual([ru.ownModel.usage]);
      expect((await say(user, "/mymodel -1")).replies).toEqual([ru.ownModel.usage]);
      expect((await say(user, "/mymodel 99999")).replies).toEqual([ru.modelNotFound("99999")]);
      expect((await say(user, "/mymodel 9")).replies).toEqual([ru.ownModel.unavailable(await model(9))]);
      expect(await ownModelId(user.id)).toBe(2);
    } finally {
      await setAvailable(9, true);
    }

    expect((await say(user, "/mymodel reset")).replies).toEqual([ru.ownModel.reset]);
    expect(await ownModelId(user.id)).toBeNull();
    expect(await jobOf((await say(user, "/ask Вопрос")).update)).toMatchObject({
      modelKey: (await active()).key,
    });
  });

  it("a chosen model that becomes unavailable: asks go to the default and the user is told once (again only after it was back)", async () => {
    const user = gateway.telegram.newUser();
    const mine = await model(7);
    await say(user, "/mymodel 7");
    await setAvailable(7, false);
    try {
      const first = await say(user, "/ask Первый вопрос");
      const second = await say(user, "/ask Второй вопрос");

      // The notice, then the ask's placeholder (which says how many of the user's asks wait before it).
      const gone = ru.ownModel.gone({ ...mine, available: false });
      expect(first.replies.slice(0, -1)).toEqual([gone]);
      expect(second.replies).toHaveLength(1);
      expect(second.replies[0]).not.toBe(gone);
      for (const { update } of [first, second]) {
        expect(await jobOf(update)).toMatchObject({ modelKey: (await active()).key });
      }
      expect((await say(user, "/mymodel")).replies[0]).toBe(
        `${ru.ownModel.shown(await model(7), await active())}\n\n${ru.ownModel.usage}`,
      );

      // Back, asked again (its own model answers), then gone again: told once more.
      await setAvailable(7, true);
      expect(await jobOf((await say(user, "/ask Третий")).update)).toMatchObject({ modelKey: mine.key });
      await setAvailable(7, false);
      expect((await say(user, "/ask Четвёртый")).replies.slice(0, -1)).toEqual([gone]);
    } finally {
      await setAvailable(7, true);
    }
  });
});

describe("/persona", () => {
  it("in a private chat: a preset by name in either language, the chat's own text, shown, and reset; the ask carries it", async () => {
    const user = gateway.telegram.newUser();
    const english = gateway.telegram.newUser("Ann", "en");

    expect((await say(user, "/persona")).replies).toEqual([`${ru.persona.none}\n\n${ru.persona.usage}`]);
    expect((await say(user, "/persona Учитель")).replies).toEqual([ru.persona.setPreset("teacher")]);
    expect((await say(user, "/persona")).replies).toEqual([
      `${ru.persona.currentPreset("teacher")}\n\n${ru.persona.usage}`,
    ]);
    expect(await jobOf((await say(user, "/ask Что такое рекурсия?")).update)).toMatchObject({
      persona: ru.persona.presetText("teacher"),
    });
    // An English user picks a preset by its Russian name too, and their asks carry its English text.
    expect((await say(english, "/persona переводчик")).replies).toEqual([en.persona.setPreset("translator")]);
    expect(await jobOf((await say(english, "/ask hello")).update)).toMatchObject({
      persona: en.persona.presetText("translator"),
    });

    const own = "Отвечай как пират, но по делу.";
    expect((await say(user, `/persona ${own}`)).replies).toEqual([ru.persona.setText(own.length)]);
    expect((await say(user, "/persona")).replies[0]).toBe(
      `${ru.persona.currentText(own)}\n\n${ru.persona.usage}`,
    );
    await say(user, "/note_add заметка про пиратов");
    for (const text of ["/ask Где клад?", "Где клад?", "/ask_notes пиратов", "/note_digest"]) {
      expect(await jobOf((await say(user, text)).update), text).toMatchObject({ persona: own });
    }

    expect((await say(user, "/persona reset")).replies).toEqual([ru.persona.reset]);
    expect((await jobOf((await say(user, "/ask Где клад?")).update))?.persona).toBeUndefined();
  });

  it(`text over ${PERSONA_MAX_LENGTH} characters is refused with its length; the persona stays as it was`, async () => {
    const user = gateway.telegram.newUser();
    await say(user, "/persona кратко");
    const long = "я".repeat(PERSONA_MAX_LENGTH + 1);

    expect((await say(user, `/persona ${long}`)).replies).toEqual([
      ru.persona.tooLong(PERSONA_MAX_LENGTH + 1),
    ]);
    expect((await say(user, `/persona ${"я".repeat(PERSONA_MAX_LENGTH)}`)).replies).toEqual([
      ru.persona.setText(PERSONA_MAX_LENGTH),
    ]);
    await say(user, "/persona кратко");
    expect((await say(user, `/persona ${long}`)).replies).toEqual([
      ru.persona.tooLong(PERSONA_MAX_LENGTH + 1),
    ]);
    expect(await jobOf((await say(user, "/ask Вопрос")).update)).toMatchObject({
      persona: ru.persona.presetText("concise"),
    });
  });

  it("in a group only its admins may change it; every member's ask there carries it, their private chats do not", async () => {
    const admin = gateway.telegram.newUser();
    const member = gateway.telegram.newUser();
    const group = gateway.telegram.newGroup();
    gateway.telegram.makeAdmin(group, admin);

    expect((await say(member, "/persona кратко", group)).replies).toEqual([ru.persona.adminsOnly]);
    expect((await say(member, "/persona reset", group)).replies).toEqual([ru.persona.adminsOnly]);
    expect((await say(member, "/persona", group)).replies[0]).toBe(
      `${ru.persona.none}\n\n${ru.persona.usage}`,
    );

    expect((await say(admin, "/persona редактор", group)).replies).toEqual([ru.persona.setPreset("editor")]);
    expect((await say(member, "/persona Отвечай стихами", group)).replies).toEqual([ru.persona.adminsOnly]);
    expect(await jobOf((await say(member, "/ask Проверь текст", group)).update)).toMatchObject({
      persona: ru.persona.presetText("editor"),
    });
    expect((await jobOf((await say(member, "/ask Проверь текст")).update))?.persona).toBeUndefined();
    expect((await jobOf((await say(admin, "/ask Проверь текст")).update))?.persona).toBeUndefined();
  });

  it("in a group its creator may change it too; an administrator who left may not", async () => {
    const owner = gateway.telegram.newUser();
    const former = gateway.telegram.newUser();
    const group = gateway.telegram.newGroup();
    gateway.telegram.makeCreator(group, owner);
    gateway.telegram.makeAdmin(group, former);
    gateway.telegram.leave(group, former);

    expect((await say(owner, "/persona учитель", group)).replies).toEqual([ru.persona.setPreset("teacher")]);
    expect((await say(former, "/persona reset", group)).replies).toEqual([ru.persona.adminsOnly]);
    expect((await say(owner, "/persona", group)).replies[0]).toBe(
      `${ru.persona.currentPreset("teacher")}\n\n${ru.persona.usage}`,
    );
  });

  it("in a group, Telegram failing the admin check changes nothing and the sender is told", async () => {
    const admin = gateway.telegram.newUser();
    const group = gateway.telegram.newGroup();
    gateway.telegram.makeAdmin(group, admin);
    // A 5xx is retried by auto-retry; a refusal is not.
    gateway.telegram.failNext("getChatMember", {
      error_code: 400,
      description: "Bad Request: CHAT_ADMIN_REQUIRED",
    });
    expect((await say(admin, "/persona кратко", group)).replies).toEqual([ru.errors.internal]);
    expect((await say(admin, "/persona", group)).replies[0]).toBe(
      `${ru.persona.none}\n\n${ru.persona.usage}`,
    );
  });

  it("a group upgraded to a supergroup keeps its persona", async () => {
    const admin = gateway.telegram.newUser();
    const group = gateway.telegram.newGroup();
    gateway.telegram.makeAdmin(group, admin);
    await say(admin, "/persona учитель", group);
    const supergroup = { id: group.id * 1000 - 7, type: "supergroup", title: "Группа" } as Chat;
    const date = Math.floor(Date.now() / 1000);
    for (const message of [
      { message_id: 1, date, chat: group, from: admin, migrate_to_chat_id: supergroup.id },
      { message_id: 1, date, chat: supergroup, from: admin, migrate_from_chat_id: group.id },
    ]) {
      await gateway.receive(gateway.telegram.pushUpdate({ message } as unknown as Omit<Update, "update_id">));
    }

    expect((await say(admin, "/persona", supergroup)).replies[0]).toBe(
      `${ru.persona.currentPreset("teacher")}\n\n${ru.persona.usage}`,
    );
    expect(await jobOf((await say(admin, "/ask Вопрос", supergroup)).update)).toMatchObject({
      persona: ru.persona.presetText("teacher"),
    });
  });
});
