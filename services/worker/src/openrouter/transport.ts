import { createOpenRouterHttp, type ErrorObject } from "@notesbot/shared/openrouter";
import {
  dailyCapResetAt,
  isModelGone,
  OpenRouterError,
  parseRetryAfter,
  UPSTREAM_FAILURE,
} from "./errors.js";
import type { OpenRouterClientOptions } from "./types.js";

const MAX_MESSAGE_LENGTH = 300;

/** A time limit on a request and what to say when it runs out. */
export interface Deadline {
  signal: AbortSignal;
  message: string;
  limitMs: number;
}

/** What complete() and stream() share: sending a request and turning failures into OpenRouterErrors. */
export interface Transport {
  /** Throws kind "missing_key", so that nothing is sent without a key. */
  requireKey(): void;
  post(body: Record<string, unknown>, signal: AbortSignal): Promise<Response>;
  /** An HTTP error status, with OpenRouter's error object when the body carried one. */
  httpError(
    status: number,
    error: ErrorObject | undefined,
    response: Response,
    partialText?: string,
  ): OpenRouterError;
  /** An error OpenRouter reported inside an HTTP 200, with the code it carries. */
  carriedError(error: ErrorObject, response: Response, partialText?: string): OpenRouterError;
}

export function createTransport(options: OpenRouterClientOptions): Transport {
  const http = createOpenRouterHttp(options);
  // Upstream messages are ours to show and log, so a key they might echo is scrubbed.
  const scrub = (text: string): string => http.scrub(text).slice(0, MAX_MESSAGE_LENGTH);

  function httpError(status: number, error: ErrorObject | undefined, response: Response, partialText = "") {
    const detail = error?.message;
    const suffix = detail === undefined || detail.trim() === "" ? "" : `: ${scrub(detail)}`;
    const carried = error?.metadata?.headers ?? {};
    const header = (name: string): string | null => {
      const own = response.headers.get(name);
      if (own !== null) return own;
      const key = Object.keys(carried).find((k) => k.toLowerCase() === name);
      return key === undefined ? null : String(carried[key]);
    };
    return new OpenRouterError("http", `OpenRouter error ${status}${suffix}`, {
      status,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      partialText,
      dailyCapResetAt: dailyCapResetAt(status, detail, header),
      modelGone: isModelGone(status, detail),
    });
  }

  return {
    requireKey() {
      if (http.apiKey === "") throw new OpenRouterError("missing_key", "OPENROUTER_API_KEY is not set");
    },
    post: (body, signal) => http.post("/chat/completions", body, signal),
    httpError,
    carriedError(error, response, partialText) {
      const code = Number(error.code);
      const status = Number.isInteger(code) && code > 0 ? code : UPSTREAM_FAILURE;
      return httpError(status, error, response, partialText);
    },
  };
}

/**
 * `text` cut to at most `maxChars` UTF-16 units, never between the two halves of a surrogate pair;
 * undefined when it is not longer.
 */
export function cutAt(text: string, maxChars: number): string | undefined {
  if (text.length <= maxChars) return undefined;
  const code = text.charCodeAt(maxChars - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars);
}

/**
 * What a failed fetch or body read means: the caller's abort (its reason, returned as is), an
 * expired deadline (kind "timeout"), or else a network failure.
 */
export function failureOf(
  error: unknown,
  callerSignal: AbortSignal | undefined,
  deadlines: readonly Deadline[],
  partialText = "",
): unknown {
  if (callerSignal?.aborted) return callerSignal.reason;
  const expired = deadlines.find((deadline) => deadline.signal.aborted);
  if (expired !== undefined) {
    return new OpenRouterError("timeout", expired.message, {
      cause: error,
      partialText,
      limitMs: expired.limitMs,
    });
  }
  return new OpenRouterError("network", `OpenRouter request failed: ${describe(error)}`, {
    cause: error,
    partialText,
  });
}

/** Names the low-level cause (fetch says only "fetch failed"), e.g. "other side closed". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}
