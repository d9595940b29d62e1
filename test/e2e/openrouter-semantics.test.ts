/**
 * What the user and the admins see when OpenRouter answers in the shapes the real one sends: a model
 * it no longer has (400 "not a valid model ID", 404 "No endpoints found for"), an answer cut by the
 * model's length limit, an answer a content filter withheld, a reasoning model that ran out of output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { SEEDED_MODELS } from "../support/fake-openrouter.js";
import {
  modelIdNotValid,
  noEndpoints,
  reasoningThenTokenLimit,
  streamFinishedWith,
} from "../support/openrouter-shapes.js";
import { enqueueAsk, eventually, jobProgress } from "../support/queue.js";
import { Stack } from "../support/stack.js";

const ADMIN = 555_000_333;
const ACTIVE = SEEDED_MODELS[0]?.key as string;
const FALLBACK = "meta-llama/llama-3.3-70b-instruct:free";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: { ADMIN_USER_IDS: String(ADMIN), FALLBACK_MODELS: FALLBACK, BREAKER_VOLUME_THRESHOLD: "1000" },
  });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const availability = async (key: string) =>
  (await stack.db.query<{ available: boolean }>("SELECT available FROM models WHERE key = $1", [key])).rows[0]
    ?.available;
const toAdmin = () =>
  stack.telegram.calls
    .filter((c) => c.method === "sendMessage" && c.payload.chat_id === ADMIN && c.ok)
    .map((c) => String(c.payload.text));
const requestsFor = (model: string) =>
  stack.openrouter.requests.filter((r) => r.path.endsWith("/chat/completions") && r.model === model);
const footer = (model: string) => new RegExp(`\\n\\n\\(\\d+ мс; модель: ${model.replaceAll(".", "\\.")}\\)$`);

describe("a model OpenRouter no longer has", () => {
  it("400 'not a valid model ID' on the active model: a fallback answers, the registry marks it unavailable at once, the admins are told once, new asks skip it", async () => {
    // Gone for good: every request to it gets the same answer.
    stack.openrouter.enqueueFor(ACTIVE, ...Array.from({ length: 50 }, () => modelIdNotValid(ACTIVE)));
    const user = stack.telegram.newUser();

    const text = await (await ask(stack, user, "Сколько будет 2+2?")).answer();

    expect(text).toMatch(/^Ответ: Сколько будет 2\+2\?/);
    expect(text).toMatch(footer(FALLBACK));
    expect(text).not.toMatch(/\[400\]/);
    expect(
      await eventually(
        () => availability(ACTIVE),
        (available) => available === false,
      ),
    ).toBe(false);
    expect(
      await eventually(
        async () => toAdmin(),
        (texts) => texts.length > 0,
      ),
    ).toEqual([
      expect.stringMatching(new RegExp(`^⚠️ Активная модель .+ \\(${ACTIVE}\\) больше не доступна бесплатно`)),
    ]);

    // Once the gateway's route to the active model is read again (within a second), questions go to
    // the fallback at once: the gone model is not asked again.
    const straightToFallback = await eventually(
      async () => {
        const asked = requestsFor(ACTIVE).length;
        const next = await (await ask(stack, user, "А 3+3?")).answer();
        expect(next).toMatch(footer(FALLBACK));
        return requestsFor(ACTIVE).length === asked;
      },
      (skipped) => skipped,
    );
    expect(straightToFallback).toBe(true);
    expect(toAdmin()).toHaveLength(1);
  });

  it("404 'No endpoints found for' another model: a fallback answers, the model is marked unavailable and the admins are told", async () => {
    const gone = "qwen/qwen3-coder:free";
    stack.openrouter.enqueueFor(gone, noEndpoints(gone));
    const told = toAdmin().length;
    const user = stack.telegram.newUser();

    const pending = await enqueueAsk(stack, {
      userId: user.id,
      question: "Привет",
      modelKey: gone,
      fallbackModelKeys: [FALLBACK],
    });

    expect(await pending.answer()).toMatch(footer(FALLBACK));
    expect(
      await eventually(
        () => availability(gone),
        (available) => available === false,
      ),
    ).toBe(false);
    const texts = await eventually(
      async () => toAdmin(),
      (all) => all.length > told,
    );
    expect(texts.slice(told)).toEqual([
      expect.stringMatching(new RegExp(`^⚠️ OpenRouter сообщает, что модели .+ \\(${gone}\\) нет`)),
    ]);
  });
});

describe("an answer that is not whole", () => {
  it("cut by the model's length limit: shown with a note, stored and remembered with it, and not offered for saving", async () => {
    const model = "google/gemma-3-27b-it:free";
    stack.openrouter.enqueueFor(
      model,
      streamFinishedWith(model, ["Длинная — ", "история о ", "том"], "length"),
    );
    const user = stack.telegram.newUser();

    const pending = await enqueueAsk(stack, {
      userId: user.id,
      question: "Расскажи историю",
      modelKey: model,
    });

    const note = "⚠️ Ответ обрезан: модель достигла своего предела длины ответа.";
    const text = await pending.answer();
    expect(text).toMatch(new RegExp(`^Длинная — история о том\\n\\n${note}`));
    expect(text).toMatch(footer(model));
    expect(stack.telegram.markupOf(pending.chatId, pending.messageId)).toBeUndefined();
    expect(await jobProgress(stack, pending.jobId)).toMatchObject({
      answer: `Длинная — история о том\n\n${note}`,
    });
    const remembered = await eventually(
      async () =>
        (
          await stack.db.query<{ content: string }>(
            "SELECT content FROM conversation_turns WHERE job_id = $1 AND role = 'assistant'",
            [pending.jobId],
          )
        ).rows,
      (rows) => rows.length > 0,
    );
    expect(remembered).toEqual([{ content: `Длинная — история о том\n\n${note}` }]);
  });

  it("withheld by a content filter: another model answers; with none left the user reads that it was filtered", async () => {
    const model = "mistralai/mistral-small-3.2-24b-instruct:free";
    const user = stack.telegram.newUser();
    stack.openrouter.enqueueFor(model, streamFinishedWith(model, [], "content_filter"));
    const fellBack = await enqueueAsk(stack, {
      userId: user.id,
      question: "Вопрос",
      modelKey: model,
      fallbackModelKeys: [FALLBACK],
    });
    expect(await fellBack.answer()).toMatch(footer(FALLBACK));

    stack.openrouter.enqueueFor(model, streamFinishedWith(model, [], "content_filter"));
    const alone = await enqueueAsk(stack, { userId: user.id, question: "Вопрос", modelKey: model });
    expect(await alone.answer()).toBe(
      "Ошибка: [content_filter] Фильтр содержимого у провайдера модели не пропустил ответ. Переформулируйте вопрос или выберите другую модель: /models",
    );
  });

  it("a reasoning model that spent its output before answering ('Token limit reached'): another model answers, the question is not blamed", async () => {
    const model = "moonshotai/kimi-k2:free";
    const user = stack.telegram.newUser();
    stack.openrouter.enqueueFor(model, reasoningThenTokenLimit(model));
    const fellBack = await enqueueAsk(stack, {
      userId: user.id,
      question: "Привет",
      modelKey: model,
      fallbackModelKeys: [FALLBACK],
    });
    const text = await fellBack.answer();
    expect(text).toMatch(/^Ответ: Привет/);
    expect(text).toMatch(footer(FALLBACK));
    expect(text).not.toMatch(/Пользователь просит/);

    stack.openrouter.enqueueFor(model, reasoningThenTokenLimit(model));
    const alone = await enqueueAsk(stack, { userId: user.id, question: "Привет", modelKey: model });
    expect(await alone.answer()).toBe(
      "Ошибка: [length] Модель исчерпала свой предел длины ответа (например, на рассуждения), так и не дав ответа. Выберите другую модель: /models",
    );
    expect(await availability(model)).toBe(true);
  });
});
