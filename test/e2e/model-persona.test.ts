/**
 * The user's own model and the chat's persona, end to end: the worker asks the model the user chose,
 * with the persona after the bot's rules in the system message (as the fake OpenRouter received it);
 * an own model OpenRouter says is gone is answered by the default, and the user is told once.
 */
import type { User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelView } from "../../shared/src/domain/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { isFinal } from "../support/ask.js";
import { SEEDED_MODELS } from "../support/fake-openrouter.js";
import { noEndpoints } from "../support/openrouter-shapes.js";
import { eventually } from "../support/queue.js";
import { Stack } from "../support/stack.js";

const ru = createLocalizer().of("ru");
const DEFAULT = SEEDED_MODELS[0]?.key as string;
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1 });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const footer = (model: string) => new RegExp(`\\n\\n\\(\\d+ мс; модель: ${model.replaceAll(".", "\\.")}\\)$`);
const chatRequests = () => stack.openrouter.requests.filter((r) => r.path.endsWith("/chat/completions"));

/** Sends `text` as `user` in their private chat; resolves with the texts of the `count` replies it gets. */
async function say(user: User, text: string, count = 1) {
  const before = stack.telegram.sentTo(user.id).length;
  stack.telegram.sendText(user, text);
  return (await stack.telegram.repliesTo(user.id, count, before)).map((c) => String(c.payload.text));
}

/**
 * Sends `/ask question`, waits for its `replies` (any notice, then the placeholder) and then for the
 * placeholder's final text; resolves with the notices and the answer.
 */
async function askAndWait(user: User, question: string, replies = 1) {
  const before = stack.telegram.sentTo(user.id).length;
  stack.telegram.sendText(user, `/ask ${question}`);
  const sent = await stack.telegram.repliesTo(user.id, replies, before);
  const placeholder = sent.at(-1);
  if (!String(placeholder?.payload.text).startsWith("⏳")) {
    throw new Error(`expected the placeholder last, got ${JSON.stringify(sent.map((c) => c.payload.text))}`);
  }
  const answer = await stack.telegram.waitForText(user.id, placeholder?.messageId as number, isFinal);
  return { notices: sent.slice(0, -1).map((c) => String(c.payload.text)), answer };
}

describe("own model and persona", () => {
  it("an ask goes to the user's own model, and the model gets the chat's persona after the bot's rules", async () => {
    const user = stack.telegram.newUser();
    const mine = SEEDED_MODELS[4]?.key as string; // id 5
    const persona = "Отвечай как старый пират, но по делу.";
    await say(user, "/mymodel 5");
    await say(user, `/persona ${persona}`);
    const asked = chatRequests().length;

    const { answer } = await askAndWait(user, "Где зарыт клад?");

    expect(answer).toMatch(/^Ответ: Где зарыт клад\?/);
    expect(answer).toMatch(footer(mine));
    const [request] = chatRequests().slice(asked);
    expect(request?.model).toBe(mine);
    expect(request?.messages[0]).toEqual({
      role: "system",
      content: `${ru.ask.systemPrompt}\n\n${ru.persona.instructions(persona)}`,
    });
  });

  it("an own model OpenRouter says is gone: the default answers, the user is told once on the next ask, and not again", async () => {
    const user = stack.telegram.newUser();
    const mine = SEEDED_MODELS[7]?.key as string; // id 8, no fallback of the registry
    await say(user, "/mymodel 8");
    stack.openrouter.enqueueFor(mine, noEndpoints(mine));

    const first = await askAndWait(user, "Первый вопрос");
    expect(first.answer).toMatch(footer(DEFAULT));
    expect(
      await eventually(
        async () =>
          (await stack.db.query("SELECT available FROM models WHERE key = $1", [mine])).rows[0]?.available,
        (available) => available === false,
      ),
    ).toBe(false);

    const second = await askAndWait(user, "Второй вопрос", 2);
    const third = await askAndWait(user, "Третий вопрос");

    const { rows } = await stack.db.query<ModelView>(
      'SELECT id, key, label, active, available, context_length AS "contextLength" FROM models WHERE key = $1',
      [mine],
    );
    expect(second.notices).toEqual([ru.ownModel.gone(rows[0] as ModelView)]);
    expect(second.answer).toMatch(footer(DEFAULT));
    expect(third.notices).toEqual([]);
    expect(third.answer).toMatch(footer(DEFAULT));
    expect(chatRequests().filter((r) => r.model === mine)).toHaveLength(1);
  });
});
