/**
 * The fake OpenRouter's record of what it received: each request as a test reads it (model, messages,
 * headers, body), in order of arrival, and waiting until a number of them have arrived.
 */
import type { IncomingMessage } from "node:http";

export interface RecordedMessage {
  role: string;
  content: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  model: string | undefined;
  messages: RecordedMessage[];
  headers: {
    authorization: string | undefined;
    "http-referer": string | undefined;
    "x-title": string | undefined;
  };
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** The body asked for server-sent events (`stream: true`). */
  stream: boolean;
  /** Date.now() when the request arrived. */
  at: number;
}

/** What a request asks: its last user message's text (of content parts, the text parts'). */
export function questionOf(request: RecordedRequest): string | undefined {
  const content = request.messages.findLast((m) => m.role === "user")?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.filter(
    (p): p is { type: "text"; text: string } => p?.type === "text" && typeof p.text === "string",
  );
  return texts.length === 0 ? undefined : texts.map((p) => p.text).join("\n");
}

/** A request as recorded, from its head and its body's text (`body` undefined: the text is not JSON). */
export function recordedFrom(req: IncomingMessage, text: string, body: unknown, at: number): RecordedRequest {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  return {
    method: req.method ?? "",
    path: req.url ?? "",
    model: typeof fields.model === "string" ? fields.model : undefined,
    messages: Array.isArray(fields.messages) ? (fields.messages as RecordedMessage[]) : [],
    headers: {
      authorization: req.headers.authorization,
      "http-referer": headerValue(req.headers["http-referer"]),
      "x-title": headerValue(req.headers["x-title"]),
    },
    body: body === undefined ? text : body,
    stream: fields.stream === true,
    at,
  };
}

interface Waiter {
  count: number;
  resolve: (requests: RecordedRequest[]) => void;
}

/** Every request received, and promises that resolve once enough have arrived. */
export function createRequestLog() {
  const requests: RecordedRequest[] = [];
  const waiters = new Set<Waiter>();

  return {
    requests,
    record(request: RecordedRequest): void {
      requests.push(request);
      for (const waiter of waiters) {
        if (requests.length >= waiter.count) {
          waiters.delete(waiter);
          waiter.resolve([...requests]);
        }
      }
    },
    /** Resolves once `n` requests in all have arrived. */
    waitFor(n: number, timeoutMs = 10_000): Promise<RecordedRequest[]> {
      if (requests.length >= n) return Promise.resolve([...requests]);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          count: n,
          resolve: (received) => {
            clearTimeout(timer);
            resolve(received);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `fake OpenRouter: expected ${n} request(s) within ${timeoutMs} ms, got ${requests.length}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}
