/** What each kind of ask sends, fitted to the model's context (the estimate the README documents). */
import { describe, expect, it } from "vitest";
import {
  answerReserve,
  answerTokens,
  buildPrompt,
  estimateTokens,
} from "../../services/worker/src/ask/prompt.js";
import { type AskJob, askJobSchema } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";

const texts = createLocalizer().of("en");
const job = (fields: Partial<AskJob>): AskJob =>
  askJobSchema.parse({
    chatId: 1,
    placeholderMessageId: 1,
    userId: 1,
    question: "q",
    modelKey: "m",
    enqueuedAt: 1,
    ...fields,
  });
const memory = Array.from({ length: 10 }, (_, i) => [
  { role: "user" as const, content: `q${i} ${"x".repeat(300)}` },
  { role: "assistant" as const, content: `a${i} ${"y".repeat(300)}` },
]).flat();
const notes = Array.from({ length: 30 }, (_, i) => ({
  id: String(i + 1),
  text: "n".repeat(200),
  createdAt: "x",
}));

describe("the prompt", () => {
  it("keeps a quarter of the context for the answer, at least 256 and at most 4096 tokens", () => {
    expect([500, 4000, 131_072].map(answerReserve)).toEqual([256, 1000, 4096]);
  });

  it("sends all the memory without a context length, and whole pairs, newest, within one", () => {
    expect(buildPrompt(texts, job({}), memory).messages).toHaveLength(22);
    const fitted = buildPrompt(texts, job({ contextLength: 1000 }), memory).messages;
    expect(estimateTokens(fitted)).toBeLessThanOrEqual(1000 - 256);
    expect(fitted.length % 2).toBe(0); // system, pairs, question
    expect(fitted.at(-2)?.content).toMatch(/^a9 /);
  });

  it("sends the first notes that fit, none when not even one does, and counts them", () => {
    const fits = buildPrompt(texts, job({ kind: "notes", notes, contextLength: 2000 }), []);
    expect(fits.notesSent).toBeGreaterThan(0);
    expect(fits.notesSent).toBeLessThan(30);
    expect(estimateTokens(fits.messages)).toBeLessThanOrEqual(2000 - 500);
    expect(fits.messages[1]?.content).toMatch(/^My notes:\n#1 \(x\): n+\n#2 /);
    const none = buildPrompt(texts, job({ kind: "digest", notes, contextLength: 300 }), []);
    expect(none.notesSent).toBe(0);
    expect(buildPrompt(texts, job({ kind: "digest", notes }), []).notesSent).toBe(30);
  });

  it("adds the chat's persona after the bot's rules in the system message of every kind, and counts it in the fit", () => {
    const persona = "Answer like a pirate.";
    const rules = {
      ask: texts.ask.systemPrompt,
      notes: texts.ask.notesSystemPrompt,
      digest: texts.ask.digestSystemPrompt,
    };
    for (const kind of ["ask", "notes", "digest"] as const) {
      const [system] = buildPrompt(texts, job({ kind, notes, persona }), memory).messages;
      expect(system).toEqual({
        role: "system",
        content: `${rules[kind]}\n\n${texts.persona.instructions(persona)}`,
      });
      expect(buildPrompt(texts, job({ kind, notes }), memory).messages[0]?.content).toBe(rules[kind]);
    }
    const long = "p".repeat(1000);
    const fitted = buildPrompt(texts, job({ contextLength: 1000, persona: long }), memory).messages;
    expect(estimateTokens(fitted)).toBeLessThanOrEqual(1000 - 256);
    expect(fitted[0]?.content).toContain(long);
  });

  it("asks for max_tokens as configured, but never more than the room the request leaves in the context", () => {
    const fitted = buildPrompt(texts, job({ kind: "digest", notes, contextLength: 8_192 }), []).messages;
    expect(answerTokens(4_096, undefined, fitted)).toBe(4_096);
    expect(answerTokens(4_096, 131_072, fitted)).toBe(4_096);
    // The notes fill the input budget of a short context: the request leaves its reserve, 2048.
    const room = answerTokens(4_096, 8_192, fitted);
    expect(room).toBeGreaterThanOrEqual(answerReserve(8_192));
    expect(room + estimateTokens(fitted)).toBeLessThanOrEqual(8_192);
    expect(answerTokens(500, 8_192, fitted)).toBe(500);
  });
});
