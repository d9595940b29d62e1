/**
 * Notes meet the model, end to end through the real gateway and worker: /ask_notes answers from the
 * sender's own notes only, /note_digest sums up recent ones, the save button keeps an answer as a note,
 * /retry asks again, and an English speaker gets the worker's texts in English.
 */
import type { User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { ask, isFinal } from "../support/ask.js";
import type { RecordedRequest } from "../support/fake-openrouter.js";
import { eventually } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let bot: Stack;
const texts = createLocalizer().of("ru");

beforeAll(async () => {
  bot = await Stack.start({ workers: 1 });
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0, 0]);
});

const PRIVACY = /^ℹ️ Для ответа выбранные заметки/;

async function addNote(user: User, text: string): Promise<string> {
  const [reply] = await bot.say(user, `/note_add ${text}`);
  const id = /#(\d+)/.exec(reply ?? "")?.[1];
  if (!id) throw new Error(`note not added: ${reply}`);
  return id;
}

/** Sends `text`; returns every reply until the placeholder (privacy note included), and the final answer. */
async function askFor(user: User, text: string) {
  const before = bot.telegram.sentTo(user.id).length;
  const requestsBefore = bot.openrouter.requests.length;
  const since = bot.telegram.calls.length;
  bot.telegram.sendText(user, text);
  const isPlaceholder = (c: { method: string; payload: Record<string, unknown> }) =>
    c.method === "sendMessage" &&
    Number(c.payload.chat_id) === user.id &&
    String(c.payload.text).startsWith("⏳");
  const placeholder = await bot.telegram.answered(
    await bot.telegram.waitForCall(isPlaceholder, 15_000, since),
  );
  const messageId = placeholder.messageId as number;
  const answer = await bot.telegram.waitForText(user.id, messageId, isFinal);
  const replies = bot.telegram
    .sentTo(user.id)
    .slice(before)
    .map((c) => String(c.payload.text));
  return { messageId, answer, replies, requests: () => bot.openrouter.requests.slice(requestsBefore) };
}

const bodyText = (request: RecordedRequest | undefined) => JSON.stringify(request?.messages ?? []);

describe("/ask_notes", () => {
  it("sends only the sender's own notes to the model, and cites only their ids, for two users sharing words", async () => {
    const alice = bot.telegram.newUser("Алиса");
    const bob = bot.telegram.newUser("Боб");
    const aliceNote = await addNote(alice, "пароль от wifi дома: рыба-меч");
    const bobNote = await addNote(bob, "пароль от wifi на работе: сом-кит");
    await addNote(alice, "рецепт борща");

    const a = await askFor(alice, "/ask_notes какой пароль от wifi?");
    expect(a.replies[0]).toMatch(PRIVACY);
    const [aliceRequest] = a.requests();
    expect(bodyText(aliceRequest)).toContain(`#${aliceNote}`);
    expect(bodyText(aliceRequest)).toContain("рыба-меч");
    expect(bodyText(aliceRequest)).not.toContain("сом-кит");
    expect(bodyText(aliceRequest)).not.toContain(`#${bobNote}`);
    expect(a.answer).toContain(`#${aliceNote}`);
    expect(a.answer).not.toContain(`#${bobNote}`);

    const b = await askFor(bob, "/ask_notes какой пароль от wifi?");
    const [bobRequest] = b.requests();
    expect(bodyText(bobRequest)).toContain("сом-кит");
    expect(bodyText(bobRequest)).not.toContain("рыба-меч");
    expect(b.answer).not.toContain(`#${aliceNote}`);
    console.log(
      `ask_notes exchange: question "какой пароль от wifi?", notes sent ${JSON.stringify(
        aliceRequest?.messages.at(-1)?.content,
      )}, answer ${JSON.stringify(a.answer)}`,
    );
  });

  it("finds a note by another form of its words, and tells the privacy note only once", async () => {
    const user = bot.telegram.newUser();
    const id = await addNote(user, "купил молоко в пятницу");
    const first = await askFor(user, "/ask_notes когда я покупал молоко?");
    expect(first.replies[0]).toMatch(PRIVACY);
    expect(bodyText(first.requests()[0])).toContain(`#${id}`);
    const second = await askFor(user, "/ask_notes где молоко?");
    expect(second.replies.filter((r) => PRIVACY.test(r))).toEqual([]);
  });

  it("says so without calling the model when no note is relevant, and takes SQL and quotes as words", async () => {
    const user = bot.telegram.newUser();
    await addNote(user, "купил молоко в пятницу");
    const requests = bot.openrouter.requests.length;
    for (const question of ["расписание поездов", "'; DROP TABLE notes; --", '100% "кефир"']) {
      expect(await bot.say(user, `/ask_notes ${question}`)).toEqual([texts.notesAsk.nothing]);
    }
    expect(bot.openrouter.requests.length).toBe(requests);
    expect(await bot.say(user, "/note_count")).toEqual([texts.noteCount(1)]);
    expect(await bot.say(user, "/ask_notes")).toEqual([texts.notesAsk.usage]);
  });
});

describe("/note_digest", () => {
  it("says there is nothing to sum up on no notes, covers one note, and cuts 500 to the budget saying so", async () => {
    const user = bot.telegram.newUser();
    expect(await bot.say(user, "/note_digest")).toEqual([texts.digest.nothing(7)]);

    const id = await addNote(user, "встреча с врачом во вторник");
    const one = await askFor(user, "/note_digest 3");
    expect(bodyText(one.requests()[0])).toContain(`#${id}`);
    expect(one.answer).toMatch(/по 1 заметке из 1\)$/);

    await bot.db.query(
      `INSERT INTO notes (user_id, chat_id, text, created_at)
       SELECT $1, $1, format('заметка номер %s: %s', g, repeat('слово ', 20)), now() - g * interval '1 minute'
       FROM generate_series(1, 499) AS g`,
      [user.id],
    );
    bot.openrouter.enqueue({ kind: "answer", content: `Главное: врач (#${id}).` });
    const many = await askFor(user, "/note_digest");
    const covered = Number(/по (\d+) заметк\S* из 500\)$/.exec(many.answer)?.[1]);
    if (Number.isNaN(covered)) throw new Error(`no count in ${many.answer.slice(-200)}`);
    expect(covered).toBeGreaterThan(10);
    expect(covered).toBeLessThan(500);
    // The newest are kept: the note added first (now the newest) and the most recent of the 499.
    const sent = bodyText(many.requests()[0]);
    expect(sent).toContain(`#${id}`);
    expect(sent).toContain("заметка номер 1:");
    expect(sent).not.toContain("заметка номер 499:");
  });
});

describe("the save button", () => {
  it("saves the question and the answer as the asker's note, once; another user's press stores nothing", async () => {
    const user = bot.telegram.newUser();
    const other = bot.telegram.newUser();
    const pending = await ask(bot, user, "сколько планет в солнечной системе?");
    const answer = await pending.answer();
    const markup = bot.telegram.markupOf(user.id, pending.messageId) as {
      inline_keyboard: { text: string; callback_data: string }[][];
    };
    const button = markup.inline_keyboard[0]?.[0];
    expect(button?.text).toBe(texts.ask.saveButton);
    const chat = { id: user.id, type: "private" as const, first_name: user.first_name };

    const pressedBy = async (presser: User) => {
      const since = bot.telegram.calls.length;
      bot.telegram.pressButton(presser, chat, pending.messageId, button?.callback_data as string);
      const call = await bot.telegram.waitForCall((c) => c.method === "answerCallbackQuery", 15_000, since);
      return String(call.payload.text);
    };
    const notesOf = async (userId: number) =>
      (await bot.db.query("SELECT id, text FROM notes WHERE user_id = $1", [userId])).rows;

    expect(await pressedBy(other)).toBe(texts.save.notYours);
    expect(await notesOf(other.id)).toEqual([]);
    expect(await notesOf(user.id)).toEqual([]);

    const saved = await pressedBy(user);
    const [note] = await notesOf(user.id);
    expect(saved).toBe(texts.save.done(String(note?.id)));
    expect(note?.text).toContain("сколько планет в солнечной системе?");
    expect(note?.text).toContain("Ответ: сколько планет в солнечной системе?");
    expect(answer).toContain("Ответ: сколько планет");
    expect(await pressedBy(user)).toBe(saved);
    expect(await notesOf(user.id)).toHaveLength(1);
  });
});

describe("/retry", () => {
  it("asks the chat's last question again, with the active model or the one named", async () => {
    const user = bot.telegram.newUser();
    expect(await bot.say(user, "/retry")).toEqual([texts.retry.nothing]);
    await (await ask(bot, user, "вопрос для повтора")).answer();
    // The answer is shown before its turn is written: /retry finds the question once it is.
    const turns = () => bot.db.query("SELECT 1 FROM conversation_turns WHERE chat_id = $1", [user.id]);
    await eventually(turns, (r) => r.rowCount === 2);
    const again = await askFor(user, "/retry");
    expect(again.requests()[0]?.model).toBe("deepseek/deepseek-chat-v3.1:free");
    expect(again.requests()[0]?.messages.at(-1)?.content).toBe("вопрос для повтора");
    const other = await askFor(user, "/retry 3");
    expect(other.requests()[0]?.model).toBe("meta-llama/llama-3.3-70b-instruct:free");
    expect(other.answer).toContain("модель: meta-llama/llama-3.3-70b-instruct:free");
    expect(await bot.say(user, "/retry 999")).toEqual([texts.modelNotFound("999")]);
    expect(await bot.say(user, "/retry x")).toEqual([texts.retry.usage]);
  });
});

describe("an English-speaking asker", () => {
  it("gets the answer's footer and a failure in English", async () => {
    const user = bot.telegram.newUser("Ann", "en");
    const answer = await (await ask(bot, user, "hello")).answer();
    expect(answer).toMatch(/\(\d+ ms; model: deepseek\/deepseek-chat-v3\.1:free\)$/);
    bot.openrouter.enqueue({ kind: "error", status: 404 });
    const failure = await (await ask(bot, user, "again")).answer();
    expect(failure).toMatch(/^Error: \[404\] The model was not found on OpenRouter/);
  });
});
