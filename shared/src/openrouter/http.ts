/**
 * OpenRouter over HTTP, the one way the bot talks to it (the worker's chat completions, the model list,
 * the key's state): the headers every request carries, a body read within a bound, OpenRouter's error
 * envelope, and the API key scrubbed from whatever OpenRouter sends back before the bot shows or logs it.
 */
import { z } from "zod";

export interface OpenRouterHttpOptions {
  /** Undefined or blank: requests carry no Authorization header. */
  apiKey: string | undefined;
  /** E.g. https://openrouter.ai/api/v1 */
  baseUrl: string;
  /** Sent as HTTP-Referer and X-Title, which identify the app to OpenRouter. */
  referer?: string | undefined;
  title?: string | undefined;
  fetch?: typeof fetch;
}

export interface OpenRouterHttp {
  /** The key, trimmed; "" when none is set. */
  readonly apiKey: string;
  /** POSTs `body` as JSON to `path` (e.g. "/chat/completions"). */
  post(path: string, body: Record<string, unknown>, signal: AbortSignal): Promise<Response>;
  /** The JSON body of `GET path`, read whole within `timeoutMs`, the key scrubbed from it; a failure is a value. */
  getJson(path: string, timeoutMs: number): Promise<JsonResult>;
  /** `text` with the key replaced, so that an echo of it can be shown and logged. */
  scrub(text: string): string;
}

export type JsonResult =
  | { ok: true; body: unknown }
  | { ok: false; reason: "timeout" | "network" | "malformed" }
  | { ok: false; reason: "status"; status: number };

/** The most of a non-streamed body read (4 MB): an answer of a million characters and more fits. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const REDACTED = "[REDACTED]";

export function createOpenRouterHttp(options: OpenRouterHttpOptions): OpenRouterHttp {
  const fetchImpl = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  const apiKey = options.apiKey?.trim() ?? "";
  const headers: Record<string, string> = {
    ...(apiKey === "" ? {} : { Authorization: `Bearer ${apiKey}` }),
    ...(options.referer === undefined ? {} : { "HTTP-Referer": options.referer }),
    ...(options.title === undefined ? {} : { "X-Title": options.title }),
  };
  const scrub = (text: string): string => (apiKey === "" ? text : text.replaceAll(apiKey, REDACTED));

  return {
    apiKey,
    scrub,
    post: (path, body, signal) =>
      fetchImpl(`${base}${path}`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal,
      }),
    async getJson(path, timeoutMs) {
      const signal = AbortSignal.timeout(timeoutMs);
      let response: Response;
      let text: string | undefined;
      try {
        response = await fetchImpl(`${base}${path}`, { headers, signal });
        if (!response.ok) {
          await response.body?.cancel();
          return { ok: false, reason: "status", status: response.status };
        }
        text = await readText(response, MAX_BODY_BYTES);
      } catch {
        return { ok: false, reason: signal.aborted ? "timeout" : "network" };
      }
      const body = text === undefined ? undefined : parseJson(scrub(text));
      return body === undefined ? { ok: false, reason: "malformed" } : { ok: true, body };
    },
  };
}

/**
 * A whole (non-streamed) response body as text, or undefined when it is longer than `maxBytes`: what
 * is read stays bounded whatever the server sends. A body read fails as `response.text()` does.
 */
export async function readText(response: Response, maxBytes: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return undefined;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** OpenRouter's error object, checked leniently: only the fields the bot reads. */
export const errorObject = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
  /** OpenRouter copies a rate limit's X-RateLimit-* headers here, e.g. on the free daily cap's 429. */
  metadata: z
    .object({ headers: z.record(z.string(), z.unknown()).optional() })
    .nullish()
    .catch(undefined),
});
export type ErrorObject = z.infer<typeof errorObject>;

/** A body that is only an error: an HTTP error's, or one OpenRouter sends inside an HTTP 200. */
export const errorEnvelope = z.object({ error: errorObject });
