/**
 * Bodies of the shapes the real OpenRouter sends that the fake's plain behaviours do not make: an
 * answer cut by its length limit, an answer withheld by a content filter, a reasoning model that ran
 * out of output and then reports "Token limit reached", a model ID OpenRouter no longer knows, a model
 * with no endpoint. Our own texts in OpenRouter's field layout; served byte for byte, optionally in
 * awkward pieces (inside a multi-byte character, between `data:` and its JSON).
 */
import type { ServerResponse } from "node:http";

/** A reply sent as is: `pieces` written in order (`pieceDelayMs` apart), then the response ends. */
export interface RawReply {
  kind: "raw";
  status: number;
  headers: Record<string, string>;
  pieces: (string | Uint8Array)[];
  pieceDelayMs?: number;
}

export async function sendRaw(
  res: ServerResponse,
  reply: RawReply,
  pause: (ms: number) => Promise<void>,
): Promise<void> {
  res.writeHead(reply.status, reply.headers);
  for (const piece of reply.pieces) {
    if (res.destroyed) return;
    res.write(piece);
    if (reply.pieceDelayMs !== undefined) await pause(reply.pieceDelayMs);
  }
  res.end();
}

const JSON_HEADERS = { "Content-Type": "application/json" };
const SSE_HEADERS = { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" };
const KEEP_ALIVE = ": OPENROUTER PROCESSING\n\n";

/** 400 for a model ID OpenRouter no longer has (a removed free model). */
export const modelIdNotValid = (model: string) => ({
  kind: "error" as const,
  status: 400,
  message: `${model} is not a valid model ID`,
});

/** 404 when no provider serves the model now. */
export const noEndpoints = (model: string) => ({
  kind: "error" as const,
  status: 404,
  message: `No endpoints found for ${model}.`,
});

const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  cost: 0,
  is_byok: false,
});

/** A non-streamed completion whose choice finished with `finishReason`, after OpenRouter's whitespace keep-alive. */
export function finishedWith(model: string, content: string, finishReason: string): RawReply {
  const body = {
    id: "gen-shape-1",
    provider: "Shape",
    model,
    object: "chat.completion",
    created: 1_770_000_000,
    choices: [
      {
        logprobs: null,
        finish_reason: finishReason,
        native_finish_reason: finishReason,
        index: 0,
        message: { role: "assistant", content, refusal: null, reasoning: null },
      },
    ],
    usage: usage(9, content.length === 0 ? 0 : 11),
  };
  return {
    kind: "raw",
    status: 200,
    headers: JSON_HEADERS,
    pieces: ["\n   \n\n   \n", JSON.stringify(body)],
  };
}

const chunk = (model: string, delta: Record<string, unknown>, finishReason: string | null = null) => ({
  id: "gen-shape-2",
  provider: "Shape",
  model,
  object: "chat.completion.chunk",
  created: 1_770_000_000,
  choices: [
    {
      index: 0,
      delta: { role: "assistant", ...delta },
      finish_reason: finishReason,
      native_finish_reason: finishReason,
    },
  ],
});

/** Server-sent events: keep-alive comments first, then each event as `data: <json>`, then [DONE]. */
function sse(events: unknown[]): string {
  return `${KEEP_ALIVE}${KEEP_ALIVE}${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`;
}

/** A streamed answer of `pieces` whose last chunk finishes with `finishReason`, then the usage chunk. */
export function streamFinishedWith(model: string, pieces: string[], finishReason: string): RawReply {
  const events = [
    chunk(model, { content: "" }),
    ...pieces.map((content) => chunk(model, { content })),
    chunk(model, { content: "" }, finishReason),
    { ...chunk(model, { content: "" }), usage: usage(12, 30) },
  ];
  return { kind: "raw", status: 200, headers: SSE_HEADERS, pieces: awkwardPieces(sse(events)) };
}

/**
 * A free reasoning model that spent its output on reasoning: reasoning-only deltas, finish_reason
 * "length" twice, then OpenRouter's error event 400 "Token limit reached" with the usage, then [DONE].
 */
export function reasoningThenTokenLimit(model: string): RawReply {
  const thinking = (text: string, finishReason: string | null = null) =>
    chunk(
      model,
      { content: "", reasoning: text, reasoning_details: [{ type: "reasoning.text", text, index: 0 }] },
      finishReason,
    );
  const events = [
    thinking("Пользователь просит"),
    thinking(" ответить коротко, значит", "length"),
    chunk(model, { content: "", reasoning: null, reasoning_details: [] }, "length"),
    {
      ...chunk(model, { content: "" }),
      error: { code: 400, message: "Token limit reached" },
      usage: usage(40, 10),
    },
  ];
  return { kind: "raw", status: 200, headers: SSE_HEADERS, pieces: awkwardPieces(sse(events)) };
}

/**
 * Cuts a body into pieces at the worst places: right after every "data:" (before its JSON) and in
 * the middle of every multi-byte UTF-8 character.
 */
export function awkwardPieces(text: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const cuts = new Set<number>();
  const marker = new TextEncoder().encode("data:");
  for (let i = 0; i + marker.length <= bytes.length; i++) {
    if (marker.every((b, j) => bytes[i + j] === b)) cuts.add(i + marker.length);
  }
  for (let i = 0; i < bytes.length; i++) {
    // A lead byte of a multi-byte character: cut after it, inside the character.
    if (((bytes[i] as number) & 0xc0) === 0xc0) cuts.add(i + 1);
  }
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    pieces.push(bytes.slice(start, cut));
    start = cut;
  }
  pieces.push(bytes.slice(start));
  return pieces;
}
