import type { ModelCut } from "./types.js";

/** OpenRouter's own meaning of 502: the upstream model gave an invalid or failed response. */
export const UPSTREAM_FAILURE = 502;

export type OpenRouterErrorKind =
  | "http"
  | "timeout"
  | "network"
  | "missing_key"
  | "empty_answer"
  /** No answer text: the provider's content filter withheld it (finish_reason "content_filter"). */
  | "content_filter"
  /** No answer text: the model's output limit ran out first, e.g. on reasoning (finish_reason "length"). */
  | "length";

/** Statuses worth another attempt: the request may succeed later (rate limit, upstream trouble). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export interface OpenRouterErrorDetails {
  /** The HTTP status, or the code carried by an error inside an HTTP 200. */
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  /** Answer text a stream delivered before it failed. */
  partialText?: string | undefined;
  /** Kind "timeout": the limit that ran out, in ms. */
  limitMs?: number | undefined;
  /** A 429 of OpenRouter's free daily cap: when it resets (epoch ms). Never retried. */
  dailyCapResetAt?: number | undefined;
  /** OpenRouter says the model does not exist or has no endpoint (see `isModelGone`). */
  modelGone?: boolean | undefined;
  cause?: unknown;
}

/** A failed chat completion. The message never carries the API key. */
export class OpenRouterError extends Error {
  override readonly name = "OpenRouterError";
  readonly kind: OpenRouterErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;
  /**
   * The answer text received before the failure: "" means nothing reached the user yet, so the
   * request can be retried like any other; otherwise the caller may keep what it already has.
   */
  readonly partialText: string;
  /** Kind "timeout": the limit that ran out, in ms. */
  readonly limitMs: number | undefined;
  /** A 429 of the free daily cap: when it resets (epoch ms); retrying before then is futile. */
  readonly dailyCapResetAt: number | undefined;
  /** OpenRouter says the model does not exist or has no endpoint: its fault, not the request's. */
  readonly modelGone: boolean;

  constructor(kind: OpenRouterErrorKind, message: string, details: OpenRouterErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.dailyCapResetAt === undefined && isRetryable(kind, details.status);
    this.partialText = details.partialText ?? "";
    this.limitMs = details.limitMs;
    this.dailyCapResetAt = details.dailyCapResetAt;
    this.modelGone = details.modelGone ?? false;
  }
}

/** A finish_reason as the cut it means for the answer text, if any. */
export function answerCut(finishReason: string | null | undefined): ModelCut | undefined {
  return finishReason === "length" || finishReason === "content_filter" ? finishReason : undefined;
}

/** A completion that brought no answer text, named by why it finished (its `cut`, if any). */
export function noAnswer(cut: ModelCut | undefined, partialText = ""): OpenRouterError {
  switch (cut) {
    case "content_filter":
      return new OpenRouterError("content_filter", "OpenRouter's content filter withheld the answer", {
        partialText,
      });
    case "length":
      return new OpenRouterError("length", "The model's output limit ran out before any answer", {
        partialText,
      });
    case undefined:
      return new OpenRouterError("empty_answer", "OpenRouter returned an empty answer", { partialText });
  }
}

function isRetryable(kind: OpenRouterErrorKind, status: number | undefined): boolean {
  switch (kind) {
    case "timeout":
    case "network":
      return true;
    case "http":
      return status !== undefined && RETRYABLE_STATUSES.has(status);
    case "missing_key":
    case "empty_answer":
    case "content_filter":
    case "length":
      return false;
  }
}

/**
 * Whether OpenRouter's error says the model itself is gone: 400 "<id> is not a valid model ID" (a
 * free model OpenRouter removed) or 404 "No endpoints found for <id>" (no provider serves it now).
 * Other 404s "No endpoints found matching your data policy / that support …" are about the request
 * or the account's settings, not the model's existence.
 */
export function isModelGone(status: number, message: string | undefined): boolean {
  const text = message ?? "";
  if (status === 400) return /is not a valid model id/i.test(text);
  if (status === 404) return /^no endpoints found for /i.test(text.trim());
  return false;
}

const DAY_MS = 86_400_000;

/**
 * Whether a 429 is OpenRouter's daily cap on free-model requests (50 a day, 1000 once 10 credits were bought) rather
 * than the per-minute limit: its message names it ("Rate limit exceeded: free-models-per-day…"), or
 * X-RateLimit-Remaining is 0 with X-RateLimit-Reset (epoch ms) more than RATE_WINDOW_MS away or at a
 * UTC midnight. Returns when it resets: X-RateLimit-Reset, else the next 00:00 UTC, when OpenRouter
 * resets the day's count.
 */
export function dailyCapResetAt(
  status: number,
  message: string | undefined,
  header: (name: string) => string | null,
  now: number = Date.now(),
): number | undefined {
  if (status !== 429) return undefined;
  const raw = Number(header("x-ratelimit-reset"));
  // Seconds or milliseconds since the epoch (OpenRouter sends ms).
  const reset = Number.isFinite(raw) && raw > 0 ? (raw < 1e12 ? raw * 1000 : raw) : undefined;
  const named = /per-day|daily/i.test(message ?? "");
  // Nothing left until a reset beyond the per-minute window, or at a UTC midnight, when the day's count
  // resets (however close: at 23:55 the daily cap's reset is five minutes away).
  const exhausted =
    header("x-ratelimit-remaining") === "0" &&
    reset !== undefined &&
    (reset - now > RATE_WINDOW_MS || reset % DAY_MS === 0);
  if (!named && !exhausted) return undefined;
  if (reset !== undefined && reset > now) return reset;
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return midnight.getTime();
}

/** The longest window of a rate limit that is not the daily cap (OpenRouter's per-minute limit, with room). */
const RATE_WINDOW_MS = 10 * 60_000;

/** Parses a `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110, section 10.2.3). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
