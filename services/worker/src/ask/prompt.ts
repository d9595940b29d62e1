import type { Turn } from "@notesbot/shared/conversations";
import type { AskJob } from "@notesbot/shared/queue";
import { formatDateTime, type Texts } from "@notesbot/shared/texts";
import type { ChatMessage, ContentPart } from "../openrouter/index.js";

/**
 * What an ask sends to the model, by kind, fitted to the model's context length. "ask": the system
 * prompt, the chat's memory and the question. "notes": a prompt to answer only from the notes given,
 * the notes with their ids and dates, and the question — no memory. "digest": a prompt to summarise
 * the notes given, and the notes — no memory. The chat's persona, when it has one, follows the bot's
 * rules in the system prompt of every kind.
 *
 * The fit is an estimate, since each model has its own tokenizer: a message costs
 * ceil(characters / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS tokens (3 characters a token is
 * cautious for English, about right for Russian), and the request keeps ANSWER_RESERVE of the
 * context free for the answer. What does not fit goes: the oldest question–answer pairs of the
 * memory, then the last notes (the least relevant for "notes", the oldest for "digest").
 */
export function buildPrompt(
  texts: Texts,
  ask: AskJob,
  memory: readonly Turn[],
  /** A photo's, voice's or PDF's content parts (see media-parts.ts), sent after the question's text. */
  attached: readonly ContentPart[] = [],
): Prompt {
  const budget = ask.contextLength === undefined ? Number.POSITIVE_INFINITY : inputBudget(ask.contextLength);
  const t = texts.ask;

  if (ask.kind === "ask") {
    const system = systemMessage(texts, t.systemPrompt, ask.persona);
    const question: ChatMessage = {
      role: "user",
      content: attached.length === 0 ? ask.question : [{ type: "text", text: ask.question }, ...attached],
    };
    let history = [...memory];
    const messages = () => [system, ...history, question];
    // Whole pairs, oldest first, so no question loses its answer.
    while (history.length > 0 && estimateTokens(messages()) > budget) history = history.slice(2);
    return { messages: messages(), notesSent: 0 };
  }

  const system = systemMessage(
    texts,
    ask.kind === "notes" ? t.notesSystemPrompt : t.digestSystemPrompt,
    ask.persona,
  );
  const request = (notes: AskJob["notes"]): ChatMessage => {
    const listed = notes.map(noteLine).join("\n");
    return {
      role: "user",
      content:
        ask.kind === "notes"
          ? t.notesRequest(listed, ask.question)
          : t.digestRequest(ask.digest?.days ?? 1, listed),
    };
  };
  let notes = [...ask.notes];
  while (notes.length > 0 && estimateTokens([system, request(notes)]) > budget) {
    // Drops about as many notes as the excess needs, at least one, from the end.
    const excess = estimateTokens([system, request(notes)]) - budget;
    const perNote = Math.max(
      1,
      estimateTokens([{ role: "user", content: noteLine(notes[notes.length - 1] as Note) }]),
    );
    notes = notes.slice(0, Math.max(0, notes.length - Math.max(1, Math.floor(excess / perNote))));
  }
  return { messages: [system, request(notes)], notesSent: notes.length };
}

/** The bot's rules for a kind of ask, and the chat's persona after them: added to the rules, never replacing them. */
function systemMessage(texts: Texts, rules: string, persona: string | undefined): ChatMessage {
  return {
    role: "system",
    content: persona === undefined ? rules : `${rules}\n\n${texts.persona.instructions(persona)}`,
  };
}

/** Characters per token in the estimate (see buildPrompt). */
export const CHARS_PER_TOKEN = 3;
/** Tokens a message costs besides its text (role, separators), in the estimate. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Tokens of the context kept free for the answer: a quarter of it, at least 256, at most 4096. */
export function answerReserve(contextLength: number): number {
  return Math.min(4096, Math.max(256, Math.floor(contextLength / 4)));
}

/**
 * The answer's `max_tokens`: `maxTokens` (OPENROUTER_MAX_TOKENS), but no more than the room the
 * request's messages leave in the model's context (by the estimate; at least the answer's reserve).
 */
export function answerTokens(
  maxTokens: number,
  contextLength: number | undefined,
  messages: readonly ChatMessage[],
): number {
  if (contextLength === undefined) return maxTokens;
  const room = Math.max(answerReserve(contextLength), contextLength - estimateTokens(messages));
  return Math.min(maxTokens, room);
}

/** Tokens the request may take of a model's context. */
export function inputBudget(contextLength: number): number {
  return Math.max(0, contextLength - answerReserve(contextLength));
}

/**
 * Tokens an image, audio or file part counts for in the estimate: what a model makes of it is its own
 * (an image is about a thousand tokens for most; a PDF's text is unknown until parsed), and its base64
 * bytes are not its tokens.
 */
export const MEDIA_PART_TOKENS = 1_000;

/** The estimated tokens of a request's messages. */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + contentTokens(m.content) + MESSAGE_OVERHEAD_TOKENS, 0);
}

function contentTokens(content: ChatMessage["content"]): number {
  if (typeof content === "string") return Math.ceil(content.length / CHARS_PER_TOKEN);
  return content.reduce(
    (sum, part: ContentPart) =>
      sum + (part.type === "text" ? Math.ceil(part.text.length / CHARS_PER_TOKEN) : MEDIA_PART_TOKENS),
    0,
  );
}

/** A note as the model sees it: `#id (YYYY-MM-DD HH:MM UTC): text`. */
function noteLine(note: Note): string {
  const date = new Date(note.createdAt);
  const when = Number.isNaN(date.getTime()) ? note.createdAt : `${formatDateTime(date)} UTC`;
  return `#${note.id} (${when}): ${note.text}`;
}

type Note = AskJob["notes"][number];

export interface Prompt {
  messages: ChatMessage[];
  /** Notes in the request ("notes", "digest"): what a digest's footer counts. */
  notesSent: number;
}
