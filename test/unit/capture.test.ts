/**
 * Capture and recall through the gateway built in this process (fake Telegram, real PostgreSQL and
 * Redis): forwards of every origin saved as notes (never asked to the model), albums as one note, the
 * undo button, photos marked in lists, and the inline search of one's own notes.
 */
import type { MessageOrigin } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { askJobId } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

const texts = createLocalizer().of("ru");
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
const date = Math.floor(Date.now() / 1000);
const ORIGINS = {
  user: { type: "user", date, sender_user: { id: 42, is_bot: false, first_name: "Анна", last_name: "Ким" } },
  hidden_user: { type: "hidden_user", date, sender_user_name: "Скрытый Автор" },
  chat: { type: "chat", date, sender_chat: { id: -100500, type: "supergroup", title: "Клуб книг" } },
  publicChannel: {
    type: "channel",
    date,
    chat: { id: -100777, type: "channel", title: "Новости науки", username: "science_news" },
    message_id: 321,
  },
  privateChannel: {
    type: "channel",
    date,
    chat: { id: -100778, type: "channel", title: "Закрытый" },
    message_id: 9,
  },
} satisfies Record<string, MessageOrigin>;

const notesOf = async (userId: number) =>
  (
    await gateway.db.query<{ id: string; text: string; origin: unknown; photos: string[] }>(
      "SELECT id, text, origin, photos FROM notes WHERE user_id = $1 ORDER BY id",
      [userId],
    )
  ).rows;

/** Handles `update`; resolves with the bot's new messages to `user`. */
async function handle(user: User, update: ReturnType<GatewayInProcess["telegram"]["pushUpdate"]>) {
  const before = gateway.telegram.sentTo(user.id).length;
  await gateway.receive(update);
  return gateway.telegram.sentTo(user.id).slice(before);
}

const say = (user: User, text: string) => handle(user, gateway.telegram.sendText(user, text));

const undoButtonOf = (reply: { payload: Record<string, unknown> } | undefined) =>
  (
    reply?.payload.reply_markup as
      | { inline_keyboard: { text: string; callback_data: string }[][] }
      | undefined
  )?.inline_keyboard[0]?.[0];

describe("forwards", () => {
  it.each([
    ["user", ORIGINS.user, { kind: "user", name: "Анна Ким" }],
    ["hidden_user", ORIGINS.hidden_user, { kind: "hidden_user", name: "Скрытый Автор" }],
    ["chat", ORIGINS.chat, { kind: "chat", name: "Клуб книг" }],
    [
      "public channel",
      ORIGINS.publicChannel,
      { kind: "channel", name: "Новости науки", link: "https://t.me/science_news/321" },
    ],
    ["private channel", ORIGINS.privateChannel, { kind: "channel", name: "Закрытый" }],
  ])(
    "a forward from a %s is saved as a note with its origin, and nothing is asked to the model",
    async (_, origin, expected) => {
      const user = gateway.telegram.newUser();
      const update = gateway.telegram.forward(user, origin, { text: "Как устроены чёрные дыры?" });

      const replies = await handle(user, update);

      const [note] = await notesOf(user.id);
      expect(note).toMatchObject({ text: "Как устроены чёрные дыры?", origin: expected });
      expect(replies.map((r) => r.payload.text)).toEqual([
        texts.capture.saved(String(note?.id), expected.name, 0, false),
      ]);
      expect(undoButtonOf(replies[0])).toEqual({
        text: texts.capture.undoButton,
        callback_data: `undo:${note?.id}`,
      });
      expect(await redis.exists(`${gateway.queuePrefix}:ask:${askJobId(update.update_id)}`)).toBe(0);
    },
  );

  it("a forward handled again (a crash) makes no second note and gives the same reply", async () => {
    const user = gateway.telegram.newUser();
    const update = gateway.telegram.forward(user, ORIGINS.user, { text: "/note_del 1 — это не команда" });
    const first = await handle(user, update);
    const before = gateway.telegram.sentTo(user.id).length;
    await gateway.receiveAgain(update);

    expect(await notesOf(user.id)).toHaveLength(1);
    expect(
      gateway.telegram
        .sentTo(user.id)
        .slice(before)
        .map((r) => r.payload.text),
    ).toEqual(first.map((r) => r.payload.text));
  });

  it("a photo's caption is saved with the photo's file_id, and lists mark the photo with 🖼", async () => {
    const user = gateway.telegram.newUser();
    const replies = await handle(
      user,
      gateway.telegram.forward(user, ORIGINS.publicChannel, {
        caption: "Туманность Ориона",
        photo: "AgAD-orion",
      }),
    );
    const [note] = await notesOf(user.id);
    expect(note).toMatchObject({ text: "Туманность Ориона", photos: ["AgAD-orion"] });
    expect(replies[0]?.payload.text).toBe(texts.capture.saved(String(note?.id), "Новости науки", 1, false));

    const listed = await say(user, "/note_list");
    const found = await say(user, "/note_find ориона");
    for (const reply of [listed, found]) {
      expect(String(reply.at(-1)?.payload.text)).toContain(`#${note?.id} · `);
      expect(String(reply.at(-1)?.payload.text)).toContain(
        "🖼\n↪ Новости науки · https://t.me/science_news/321\nТуманность Ориона",
      );
    }
  });

  it("a forward longer than a note is cut to it, and the reply says so", async () => {
    const user = gateway.telegram.newUser();
    const replies = await handle(
      user,
      gateway.telegram.forward(user, ORIGINS.user, { text: "ы".repeat(4000) }),
    );
    const [note] = await notesOf(user.id);
    expect(note?.text).toHaveLength(3000);
    expect(replies[0]?.payload.text).toBe(texts.capture.saved(String(note?.id), "Анна Ким", 0, true));
  });

  it("a forward with nothing to keep (a sticker) is told so and stores nothing", async () => {
    const user = gateway.telegram.newUser();
    const replies = await handle(user, gateway.telegram.forward(user, ORIGINS.user, {}));
    expect(replies.map((r) => r.payload.text)).toEqual([texts.capture.nothing]);
    expect(await notesOf(user.id)).toEqual([]);
  });

  it("undo deletes the note for its owner only: a forged press by another user changes nothing", async () => {
    const owner = gateway.telegram.newUser();
    const other = gateway.telegram.newUser();
    const [reply] = await handle(
      owner,
      gateway.telegram.forward(owner, ORIGINS.user, { text: "Пароль от Wi-Fi" }),
    );
    const [note] = await notesOf(owner.id);
    const chat = { id: owner.id, type: "private" as const, first_name: owner.first_name };
    const data = `undo:${note?.id}`;

    await gateway.receive(gateway.telegram.pressButton(other, chat, reply?.messageId as number, data));
    expect(await notesOf(owner.id)).toHaveLength(1);
    const refused = gateway.telegram.calls.filter((c) => c.method === "answerCallbackQuery").at(-1);
    expect(refused?.payload.text).toBe(texts.noteNotFound(String(note?.id)));

    await gateway.receive(gateway.telegram.pressButton(owner, chat, reply?.messageId as number, data));
    expect(await notesOf(owner.id)).toEqual([]);
    expect(gateway.telegram.textOf(owner.id, reply?.messageId as number)).toBe(
      texts.capture.undone(String(note?.id)),
    );
    expect(gateway.telegram.markupOf(owner.id, reply?.messageId as number)).toBeUndefined();
  });
});

describe("albums", () => {
  it("an album's parts, out of order and one of them twice, make one note with every caption in order", async () => {
    const user = gateway.telegram.newUser();
    const ids = [1, 2, 3].map(() => gateway.telegram.reserveMessageId());
    const part = (i: number) =>
      gateway.telegram.forward(user, ORIGINS.publicChannel, {
        caption: `Подпись ${i + 1}`,
        photo: `AgAD-album-${i + 1}`,
        mediaGroupId: "album-1",
        messageId: ids[i] as number,
      });
    const third = part(2);
    await handle(user, third);
    await handle(user, part(0));
    await gateway.receiveAgain(third);
    await handle(user, part(1));
    expect(await notesOf(user.id)).toEqual([]);

    await gateway.albums.flush();

    const notes = await notesOf(user.id);
    expect(notes).toEqual([
      {
        id: expect.any(String),
        text: "Подпись 1\n\nПодпись 2\n\nПодпись 3",
        origin: { kind: "channel", name: "Новости науки", link: "https://t.me/science_news/321" },
        photos: ["AgAD-album-1", "AgAD-album-2", "AgAD-album-3"],
      },
    ]);
    const replies = gateway.telegram.sentTo(user.id);
    expect(replies.map((r) => r.payload.text)).toEqual([
      texts.capture.albumSaved(String(notes[0]?.id), "Новости науки", 3, 3, false),
    ]);
    expect(undoButtonOf(replies[0])?.callback_data).toBe(`undo:${notes[0]?.id}`);
  });

  it("a part arriving after the album's note was made joins the same note, and the reply is edited", async () => {
    const user = gateway.telegram.newUser();
    const [firstId, secondId] = [gateway.telegram.reserveMessageId(), gateway.telegram.reserveMessageId()];
    await handle(
      user,
      gateway.telegram.forward(user, ORIGINS.user, {
        caption: "Вторая",
        mediaGroupId: "late",
        messageId: secondId,
      }),
    );
    await gateway.albums.flush();
    await handle(
      user,
      gateway.telegram.forward(user, ORIGINS.user, {
        caption: "Первая",
        mediaGroupId: "late",
        messageId: firstId,
      }),
    );
    await gateway.albums.flush();

    const notes = await notesOf(user.id);
    expect(notes.map((n) => n.text)).toEqual(["Первая\n\nВторая"]);
    const replies = gateway.telegram.sentTo(user.id);
    expect(replies).toHaveLength(1);
    expect(gateway.telegram.textOf(user.id, replies[0]?.messageId as number)).toBe(
      texts.capture.albumSaved(String(notes[0]?.id), "Анна Ким", 2, 0, false),
    );
  });

  it("an album undone stays undone: a part arriving later makes no new note", async () => {
    const user = gateway.telegram.newUser();
    const [firstId, secondId] = [gateway.telegram.reserveMessageId(), gateway.telegram.reserveMessageId()];
    await handle(
      user,
      gateway.telegram.forward(user, ORIGINS.user, {
        caption: "Один",
        mediaGroupId: "undone",
        messageId: firstId,
      }),
    );
    await gateway.albums.flush();
    const [reply] = gateway.telegram.sentTo(user.id);
    const chat = { id: user.id, type: "private" as const, first_name: user.first_name };
    await gateway.receive(
      gateway.telegram.pressButton(
        user,
        chat,
        reply?.messageId as number,
        String(undoButtonOf(reply)?.callback_data),
      ),
    );
    await handle(
      user,
      gateway.telegram.forward(user, ORIGINS.user, {
        caption: "Два",
        mediaGroupId: "undone",
        messageId: secondId,
      }),
    );
    await gateway.albums.flush();

    expect(await notesOf(user.id)).toEqual([]);
    expect(gateway.telegram.sentTo(user.id)).toHaveLength(1);
  });
});

describe("inline search", () => {
  it("answers with the sender's own matching notes only, personal and uncached; an empty query shows the newest", async () => {
    const alice = gateway.telegram.newUser();
    const bob = gateway.telegram.newUser();
    await say(alice, "/note_add Секрет Алисы: пароль от сейфа 1234");
    await say(bob, "/note_add Пароль от почты у Боба другой");
    await say(bob, "/note_add Купить молоко");

    const search = await (async () => {
      const update = gateway.telegram.inlineQuery(bob, "пароль");
      await gateway.receive(update);
      return gateway.telegram.inlineAnswerOf(update);
    })();
    const newest = await (async () => {
      const update = gateway.telegram.inlineQuery(bob, "");
      await gateway.receive(update);
      return gateway.telegram.inlineAnswerOf(update);
    })();

    const messages = (answer: Record<string, unknown>) =>
      (answer.results as { input_message_content: { message_text: string } }[]).map(
        (r) => r.input_message_content.message_text,
      );
    expect(messages(search)).toEqual(["Пароль от почты у Боба другой"]);
    expect(search).toMatchObject({ is_personal: true, cache_time: 0 });
    expect(messages(newest)).toEqual(["Купить молоко", "Пароль от почты у Боба другой"]);
    // A query for Alice's words by Bob finds nothing: the button over the empty list opens the bot.
    const update = gateway.telegram.inlineQuery(bob, "сейфа");
    await gateway.receive(update);
    const none = await gateway.telegram.inlineAnswerOf(update);
    expect(none.results).toEqual([]);
    expect(none.button).toEqual({ text: texts.inline.nothing("сейфа"), start_parameter: "inline" });
  });

  it("pages through many notes with next_offset, 20 at a time, and is never recorded in the inbox", async () => {
    const user = gateway.telegram.newUser();
    await gateway.db.query(
      "INSERT INTO notes (user_id, chat_id, text) SELECT $1, $1, 'Заметка ' || i FROM generate_series(1, 25) AS i",
      [user.id],
    );
    const first = gateway.telegram.inlineQuery(user, "заметка");
    await gateway.receive(first);
    const page1 = await gateway.telegram.inlineAnswerOf(first);
    const second = gateway.telegram.inlineQuery(user, "заметка", String(page1.next_offset));
    await gateway.receive(second);
    const page2 = await gateway.telegram.inlineAnswerOf(second);

    expect((page1.results as unknown[]).length).toBe(20);
    expect(page1.next_offset).toBe("20");
    expect((page2.results as unknown[]).length).toBe(5);
    expect(page2.next_offset).toBe("");
    const ids = [...(page1.results as { id: string }[]), ...(page2.results as { id: string }[])].map(
      (r) => r.id,
    );
    expect(new Set(ids).size).toBe(25);
    const recorded = await gateway.db.query("SELECT 1 FROM inbox WHERE update_id = ANY($1::bigint[])", [
      [first.update_id, second.update_id],
    ]);
    expect(recorded.rows).toEqual([]);
  });
});
