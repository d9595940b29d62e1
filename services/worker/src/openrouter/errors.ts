/** OpenRouter's own meaning of 502: the upstream model gave an invalid or failed response. */
export const UPSTREAM_FAILURE = 502;

export type OpenRouterErrorKind = "http" | "timeout" | "network" | "missing_key" | "empty_answer";

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

  constructor(kind: OpenRouterErrorKind, message: string, details: OpenRouterErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = isRetryable(kind, details.status);
    this.partialText = details.partialText ?? "";
    this.limitMs = details.limitMs;
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
      return false;
  }
}

/** Parses a `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110, section 10.2.3). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
