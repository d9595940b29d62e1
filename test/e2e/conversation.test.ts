import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack;
const texts = createLocalizer().of("ru");

beforeAll(async () => {
  stack = await Stack.start({ workers: 1 });
});

afterAll(async () => {
  for (const code of await stack.stop()) expect(code).toBe(0);
});

const roles = (index: number) =>
  stack.openrouter.requests[index]?.messages.map((m) => `${m.role}: ${String(m.content).slice(0, 40)}`);

describe("conversation memory", () => {
  it("sends the chat's recent turns with the next question, keeps them across restarts, forgets them on /reset", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "answer", content: "Столица Франции — Париж." });
    expect(await (await ask(stack, user, "Какая столица у Франции?")).answer()).toMatch(
      /^Столица Франции — Париж\./,
    );

    const second = stack.openrouter.requests.length;
    await (await ask(stack, user, "А какое там население?")).answer();
    expect(roles(second)).toEqual([
      expect.stringMatching(/^system: /),
      "user: Какая столица у Франции?",
      "assistant: Столица Франции — Париж.",
      "user: А какое там население?",
    ]);

    // A new worker process (the old one stopped) still knows the conversation: it lives in PostgreSQL.
    await stack.workers[0]?.stop();
    await stack.addWorker();
    const third = stack.openrouter.requests.length;
    await (await ask(stack, user, "И последний вопрос")).answer();
    expect(roles(third)).toHaveLength(6);

    expect(await stack.say(user, "/reset")).toEqual([texts.ask.memoryReset]);
    const fourth = stack.openrouter.requests.length;
    await (await ask(stack, user, "С чистого листа")).answer();
    expect(roles(fourth)).toEqual([expect.stringMatching(/^system: /), "user: С чистого листа"]);
  });

  it("a NUL in a question or an answer is stored replaced: answered, remembered, savable as a note", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "answer", content: "ответ с \u0000 внутри" });
    const asked = await ask(stack, user, "вопрос с \u0000 внутри");
    expect(await asked.answer()).toMatch(/^ответ с .? ?внутри/);

    // The next question goes out with the turn, each NUL replaced by U+FFFD.
    const next = stack.openrouter.requests.length;
    await (await ask(stack, user, "и ещё")).answer();
    expect(stack.openrouter.requests[next]?.messages.slice(1).map((m) => m.content)).toEqual([
      "вопрос с \uFFFD внутри",
      "ответ с \uFFFD внутри",
      "и ещё",
    ]);

    // The save button under the first answer stores it, replaced the same way.
    const button = (
      stack.telegram.markupOf(user.id, asked.messageId) as {
        inline_keyboard: { callback_data: string }[][];
      }
    ).inline_keyboard[0]?.[0];
    const chat = { id: user.id, type: "private" as const, first_name: user.first_name };
    const since = stack.telegram.calls.length;
    stack.telegram.pressButton(user, chat, asked.messageId, button?.callback_data as string);
    const pressed = await stack.telegram.waitForCall(
      (c) => c.method === "answerCallbackQuery",
      15_000,
      since,
    );
    const { rows } = await stack.db.query<{ id: string; text: string }>(
      "SELECT id, text FROM notes WHERE user_id = $1",
      [user.id],
    );
    expect(String(pressed.payload.text)).toBe(texts.save.done(String(rows[0]?.id)));
    expect(rows.map((r) => r.text)).toEqual(["❓ вопрос с \uFFFD внутри\n\nответ с \uFFFD внутри"]);
  });

  it("keeps other chats' conversations apart", async () => {
    const [a, b] = [stack.telegram.newUser(), stack.telegram.newUser()];
    await (await ask(stack, a, "секрет чата А")).answer();
    const index = stack.openrouter.requests.length;
    await (await ask(stack, b, "вопрос из чата Б")).answer();
    expect(roles(index)).toEqual([expect.stringMatching(/^system: /), "user: вопрос из чата Б"]);
  });
});

describe("questions without /ask", () => {
  it("in a private chat, plain text is a question", async () => {
    const user = stack.telegram.newUser();
    const before = stack.telegram.sentTo(user.id).length;
    stack.telegram.sendText(user, "Как дела?");
    const [placeholder] = await stack.telegram.repliesTo(user.id, 1, before);
    expect(placeholder?.payload.text).toBe(texts.ask.placeholder);
    expect(
      await stack.telegram.waitForText(user.id, placeholder?.messageId as number, (t) => !t.startsWith("⏳")),
    ).toMatch(/^Ответ: Как дела\?\n\n/);
  });

  it("in a group, only /ask and replies to the bot's answers are questions", async () => {
    const user = stack.telegram.newUser();
    const group = stack.telegram.newGroup();
    const first = await ask(stack, user, "первый вопрос в группе", group);
    await first.answer();
    const requests = stack.openrouter.requests.length;

    // Ordinary group chatter: no reply at all (the next command's reply comes first).
    stack.telegram.sendText(user, "просто болтаем", group);
    expect(await stack.say(user, "/note_count", { chat: group })).toEqual([texts.noteCount(0)]);
    expect(stack.openrouter.requests.length).toBe(requests);

    // A reply to the bot's answer is a follow-up question.
    const before = stack.telegram.sentTo(group.id).length;
    stack.telegram.sendReply(user, "а подробнее?", group, first.messageId);
    const [placeholder] = await stack.telegram.repliesTo(group.id, 1, before);
    expect(placeholder?.payload.text).toBe(texts.ask.placeholder);
    await stack.telegram.waitForText(group.id, placeholder?.messageId as number, (t) => !t.startsWith("⏳"));
    expect(roles(requests)?.at(-1)).toBe("user: а подробнее?");
    expect(roles(requests)).toHaveLength(4);
  });

  it("in a group, a reply to a bot message that is not an answer is chatter; a mention of the bot is a question", async () => {
    const user = stack.telegram.newUser();
    const group = stack.telegram.newGroup();
    await stack.say(user, "/note_add заметка", { chat: group });
    const before = stack.telegram.sentTo(group.id).length;
    await stack.say(user, "/note_list", { chat: group });
    const list = stack.telegram.sentTo(group.id)[before]?.messageId as number;
    const requests = stack.openrouter.requests.length;

    // "Thanks" under the bot's list: no placeholder, no model request (the next command's reply comes first).
    stack.telegram.sendReply(user, "спасибо", group, list);
    expect(await stack.say(user, "/note_count", { chat: group })).toEqual([texts.noteCount(1)]);
    expect(stack.openrouter.requests.length).toBe(requests);

    // A mention of the bot is a question, without the mention.
    const mentioned = stack.telegram.sentTo(group.id).length;
    stack.telegram.sendText(user, "@NotesTestBot как дела?", group);
    const [placeholder] = await stack.telegram.repliesTo(group.id, 1, mentioned);
    expect(placeholder?.payload.text).toBe(texts.ask.placeholder);
    await stack.telegram.waitForText(group.id, placeholder?.messageId as number, (t) => !t.startsWith("⏳"));
    expect(roles(requests)?.at(-1)).toBe("user: как дела?");
  });
});
