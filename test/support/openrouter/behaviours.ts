/**
 * What the fake OpenRouter does with one chat completion request (a Behaviour), the helpers that build
 * common ones, and how a stream behaviour turns into one piece for a request that did not ask to stream.
 */
import type { RawReply } from "../openrouter-shapes.js";

/**
 * What the fake does with one chat completion request. A request with `stream: true` gets the same
 * behaviour as server-sent events: answers stream their content in a few chunks, errors inside a 200
 * become error events, "error", "hang" and "drop" act before any event.
 */
export type Behaviour =
  /** 200 with "Ответ: " + the last user message (the initial default). */
  | { kind: "echo" }
  /** `usage`: the body's `usage` object (default 12 prompt + 7 completion tokens). */
  | { kind: "answer"; content: string; delayMs?: number; usage?: FakeUsage }
  /** `headers`: extra response headers, e.g. OpenRouter's X-RateLimit-* on a 429. */
  | {
      kind: "error";
      status: number;
      message?: string;
      retryAfter?: string;
      headers?: Record<string, string>;
      /** The error object's `metadata` (OpenRouter copies a rate limit's headers into `metadata.headers`). */
      metadata?: Record<string, unknown>;
    }
  /** 200 whose body is a top-level error object, as OpenRouter sends for failures after routing. */
  | { kind: "errorIn200"; code: number; message?: string }
  /** 200 with a choice that finished with "error" and carries an error object. */
  | { kind: "choiceError"; code: number }
  | { kind: "empty" }
  /** Never answers; ends when the client aborts or the server closes. */
  | { kind: "hang" }
  /** Destroys the socket without any response. */
  | { kind: "drop" }
  /** OpenRouter's exact bytes (see openrouter-shapes.ts), whatever the request asked for. */
  | RawReply
  /**
   * Streams one chunk per element, `chunkDelayMs` apart, then per `andThen` (not `then`, which
   * Biome rejects as a thenable): "done" (the default) sends finish_reason "stop", the usage and
   * [DONE]; `{ error }` an error event, then ends; "stall" keeps the connection open and silent;
   * "keepalive" keeps it open with nothing but OpenRouter's keep-alive comments (every 100 ms);
   * "end" ends without [DONE]. A request without `stream: true` gets the same outcome in one piece:
   * the joined answer, an error in a 200, a hang or a drop.
   */
  | {
      kind: "stream";
      chunks: string[];
      chunkDelayMs?: number;
      andThen?: StreamEnd;
      /** Only keep-alive comments (every 100 ms) for this long before the first chunk: a model still "processing". */
      processingMs?: number;
    };

export type StreamEnd = "done" | { error: number } | "stall" | "keepalive" | "end";

/** OpenRouter's `usage` object of a completion (`cost` in credits, when the account reports it). */
export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost?: number;
}

/** The usage a completion reports unless its behaviour says otherwise. */
export const USAGE: FakeUsage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };

/**
 * OpenRouter's answer when the free daily cap is used up: 429 "Rate limit exceeded: free-models-per-day"
 * with X-RateLimit-Remaining 0 and X-RateLimit-Reset, the epoch ms of the next 00:00 UTC, as response
 * headers or (`inBody`) only in the error's `metadata.headers`, as OpenRouter reports them too.
 */
export function dailyCapError({ inBody = false, now = Date.now() } = {}): Behaviour {
  const reset = new Date(now);
  reset.setUTCHours(24, 0, 0, 0);
  const headers = {
    "X-RateLimit-Limit": "50",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": String(reset.getTime()),
  };
  return {
    kind: "error",
    status: 429,
    message: inBody
      ? "Rate limit exceeded"
      : "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
    ...(inBody ? { metadata: { headers } } : { headers }),
  };
}

/** The outcome of a stream behaviour for a request that did not ask for a stream. */
export function inOnePiece(
  behaviour: Extract<Behaviour, { kind: "stream" }>,
): Exclude<Behaviour, { kind: "stream" }> {
  const then = behaviour.andThen ?? "done";
  if (typeof then === "object") return { kind: "errorIn200", code: then.error };
  if (then === "stall" || then === "keepalive") return { kind: "hang" };
  if (then === "end") return { kind: "drop" };
  return { kind: "answer", content: behaviour.chunks.join("") };
}
