import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type RawReply, sendRaw } from "./openrouter-shapes.js";

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

export interface FakeOpenRouter {
  /** E.g. http://127.0.0.1:PORT/api/v1, the value for OPENROUTER_BASE_URL. */
  baseUrl: string;
  /** Every request received, including rejected ones, in order of arrival. */
  requests: RecordedRequest[];
  /** Queues behaviours for the next requests, one each, whatever their model. */
  enqueue(...behaviours: Behaviour[]): void;
  /** Queues behaviours for the next requests for `model`; they take precedence over `enqueue`. */
  enqueueFor(model: string, ...behaviours: Behaviour[]): void;
  /**
   * Queues behaviours for the next requests asking `question` (their last user message): a test's own
   * script, which no other test's question can take. They take precedence over the other queues.
   */
  enqueueForQuestion(question: string, ...behaviours: Behaviour[]): void;
  /** The behaviour used once the queues are empty. */
  setDefault(behaviour: Behaviour): void;
  /** What `GET /models` answers from now on (`models` builds the usual body). */
  setCatalog(reply: ScriptedReply | { models: FakeCatalogModel[] }): void;
  /** What `GET /key` answers from now on (`data` is the body's `data` object). */
  setKeyState(reply: ScriptedReply | { data: Record<string, unknown> }): void;
  /** Resolves once `n` requests in all have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const COMPLETIONS_PATH = "/api/v1/chat/completions";
const MODELS_PATH = "/api/v1/models";
const KEY_PATH = "/api/v1/key";

/** A model of the fake's `GET /models` list; free unless `paid`. */
export interface FakeCatalogModel {
  key: string;
  name?: string;
  contextLength?: number;
  paid?: boolean;
}

/** What `GET /models` or `GET /key` answers: a status and a JSON body, or a raw text body. */
export type ScriptedReply = { status: number; body: unknown } | { status: number; raw: string };

/** The registry's seeded models (migrations/…_models.sql), all free with a large context: the default list. */
export const SEEDED_MODELS: FakeCatalogModel[] = [
  "deepseek/deepseek-chat-v3.1:free",
  "deepseek/deepseek-r1-0528:free",
  "meta-llama/llama-3.3-70b-instruct:free",
  "qwen/qwen3-235b-a22b:free",
  "qwen/qwen3-coder:free",
  "google/gemma-3-27b-it:free",
  "mistralai/mistral-small-3.2-24b-instruct:free",
  "moonshotai/kimi-k2:free",
  "z-ai/glm-4.5-air:free",
  "openai/gpt-oss-20b:free",
  "nvidia/nemotron-nano-9b-v2:free",
  "meta-llama/llama-4-maverick:free",
].map((key) => ({ key, contextLength: 131_072 }));

/** A `data[]` entry of OpenRouter's model list. */
export function catalogEntry(model: FakeCatalogModel): Record<string, unknown> {
  const price = model.paid ? "0.000001" : "0";
  return {
    id: model.key,
    canonical_slug: model.key,
    name: model.name ?? model.key,
    created: 1_750_000_000,
    context_length: model.contextLength ?? 32_768,
    architecture: { modality: "text->text", input_modalities: ["text"], output_modalities: ["text"] },
    pricing: { prompt: price, completion: price, request: "0", image: "0" },
    top_provider: { context_length: model.contextLength ?? 32_768, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ["max_tokens", "temperature"],
  };
}

type RespondingBehaviour = Exclude<Behaviour, { kind: "hang" | "drop" | "stream" | "raw" }>;

const USAGE: FakeUsage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };

/** How many chunks a plain answer is cut into when it is streamed. */
const ANSWER_CHUNKS = 3;

interface Reply {
  status: number;
  payload: unknown;
  headers?: Record<string, string>;
}

interface EventScript {
  /** `data:` payloads in order; a string ([DONE]) is sent as is. */
  events: unknown[];
  delayMs?: number | undefined;
  /** Leaves the connection open after the last event. */
  stall?: boolean;
  /** Leaves it open, sending keep-alive comments. */
  keepAlive?: boolean;
  /** Keep-alive comments only, for this long, before the first event. */
  processingMs?: number | undefined;
}

interface Waiter {
  count: number;
  resolve: (requests: RecordedRequest[]) => void;
}

export async function startFakeOpenRouter(): Promise<FakeOpenRouter> {
  const requests: RecordedRequest[] = [];
  const sharedQueue: Behaviour[] = [];
  const modelQueues = new Map<string, Behaviour[]>();
  const questionQueues = new Map<string, Behaviour[]>();
  let defaultBehaviour: Behaviour = { kind: "echo" };
  const waiters = new Set<Waiter>();
  const timers = new Set<NodeJS.Timeout>();
  let generation = 0;
  let catalog: ScriptedReply = { status: 200, body: { data: SEEDED_MODELS.map(catalogEntry) } };
  let keyState: ScriptedReply = {
    status: 200,
    body: {
      data: {
        label: "fake",
        limit: null,
        limit_remaining: null,
        usage: 0,
        usage_daily: 0,
        is_free_tier: true,
      },
    },
  };

  function nextBehaviour(recorded: RecordedRequest): Behaviour {
    const question = questionOf(recorded);
    const model = recorded.model;
    return (
      (question === undefined ? undefined : questionQueues.get(question)?.shift()) ??
      (model === undefined ? undefined : modelQueues.get(model)?.shift()) ??
      sharedQueue.shift() ??
      defaultBehaviour
    );
  }

  function record(request: RecordedRequest): void {
    requests.push(request);
    for (const waiter of waiters) {
      if (requests.length >= waiter.count) {
        waiters.delete(waiter);
        waiter.resolve([...requests]);
      }
    }
  }

  function completion(
    model: string | undefined,
    choice: Record<string, unknown>,
    usage: FakeUsage = USAGE,
  ): Record<string, unknown> {
    generation += 1;
    return {
      id: `gen-fake-${generation}`,
      provider: "Fake",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: model ?? "unknown",
      choices: [{ index: 0, logprobs: null, native_finish_reason: choice.finish_reason, ...choice }],
      usage,
    };
  }

  function answer(model: string | undefined, content: string, usage?: FakeUsage): Record<string, unknown> {
    return completion(model, { message: { role: "assistant", content }, finish_reason: "stop" }, usage);
  }

  /** The HTTP response a behaviour stands for; "hang" and "drop" have none. */
  function replyFor(behaviour: RespondingBehaviour, recorded: RecordedRequest): Reply {
    const { model } = recorded;
    switch (behaviour.kind) {
      case "echo":
      case "answer":
        return {
          status: 200,
          payload: answer(
            model,
            answerText(behaviour, recorded),
            "usage" in behaviour ? behaviour.usage : undefined,
          ),
        };
      case "error": {
        const message = behaviour.message ?? `Fake error ${behaviour.status}`;
        const headers: Record<string, string> = {
          ...behaviour.headers,
          ...(behaviour.retryAfter === undefined ? {} : { "Retry-After": behaviour.retryAfter }),
        };
        const metadata = behaviour.metadata === undefined ? {} : { metadata: behaviour.metadata };
        return {
          status: behaviour.status,
          payload: { error: { code: behaviour.status, message, ...metadata } },
          headers,
        };
      }
      case "errorIn200": {
        const message = behaviour.message ?? `Fake upstream error ${behaviour.code}`;
        return {
          status: 200,
          payload: { error: { code: behaviour.code, message, metadata: { provider_name: "Fake" } } },
        };
      }
      case "choiceError":
        return {
          status: 200,
          payload: completion(model, {
            message: { role: "assistant", content: "" },
            finish_reason: "error",
            error: { code: behaviour.code, message: `Fake provider error ${behaviour.code}` },
          }),
        };
      case "empty":
        return { status: 200, payload: answer(model, "") };
    }
  }

  /** One `data:` chunk of a streamed answer, in OpenAI's chunk format. */
  function chunk(id: string, model: string | undefined, choice: Record<string, unknown>) {
    return {
      id,
      provider: "Fake",
      object: "chat.completion.chunk",
      created: Math.floor(Date.now() / 1000),
      model: model ?? "unknown",
      choices: [{ index: 0, delta: { content: "" }, finish_reason: null, ...choice }],
    };
  }

  /** The `data:` events a behaviour stands for when the request asked for a stream. */
  function eventsFor(
    behaviour: Exclude<Behaviour, { kind: "error" | "hang" | "drop" | "raw" }>,
    recorded: RecordedRequest,
  ): EventScript {
    const { model } = recorded;
    generation += 1;
    const id = `gen-fake-${generation}`;
    const deltas = (pieces: readonly string[]) =>
      pieces.map((content) => chunk(id, model, { delta: { content } }));
    const usage = behaviour.kind === "answer" ? (behaviour.usage ?? USAGE) : USAGE;
    const done = [
      chunk(id, model, { finish_reason: "stop" }),
      { ...chunk(id, model, {}), choices: [], usage },
      "[DONE]",
    ];
    switch (behaviour.kind) {
      case "echo":
      case "answer":
        return { events: [...deltas(splitInto(answerText(behaviour, recorded), ANSWER_CHUNKS)), ...done] };
      case "empty":
        return { events: done };
      case "errorIn200":
        return { events: [replyFor(behaviour, recorded).payload] };
      case "choiceError": {
        const error = { code: behaviour.code, message: `Fake provider error ${behaviour.code}` };
        return { events: [chunk(id, model, { finish_reason: "error", error })] };
      }
      case "stream": {
        const then = behaviour.andThen ?? "done";
        const tail =
          typeof then === "object"
            ? [{ error: { code: then.error, message: `Fake stream error ${then.error}` } }]
            : then === "done"
              ? done
              : [];
        return {
          events: [...deltas(behaviour.chunks), ...tail],
          delayMs: behaviour.chunkDelayMs,
          stall: then === "stall" || then === "keepalive",
          keepAlive: then === "keepalive",
          processingMs: behaviour.processingMs,
        };
      }
    }
  }

  /** Writes the events as server-sent events, each `delayMs` after the previous one. */
  async function sendEvents(res: ServerResponse, script: EventScript): Promise<void> {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    // OpenRouter's keep-alive comment, which clients must ignore.
    res.write(": OPENROUTER PROCESSING\n\n");
    for (let waited = 0; waited < (script.processingMs ?? 0) && !res.destroyed; waited += 100) {
      await pause(100);
      if (!res.destroyed) res.write(": OPENROUTER PROCESSING\n\n");
    }
    for (const event of script.events) {
      if (script.delayMs !== undefined) await pause(script.delayMs);
      if (res.destroyed) return; // the client gave up meanwhile
      res.write(`data: ${typeof event === "string" ? event : JSON.stringify(event)}\n\n`);
    }
    while (script.keepAlive === true && !res.destroyed && !res.closed) {
      await pause(100);
      if (!res.destroyed) res.write(": OPENROUTER PROCESSING\n\n");
    }
    if (script.stall !== true) res.end();
  }

  /** A timer close() cancels; a writer waiting on it then simply never resumes. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  function respond(
    req: IncomingMessage,
    res: ServerResponse,
    requested: Behaviour,
    recorded: RecordedRequest,
  ): void {
    const behaviour = requested.kind === "stream" && !recorded.stream ? inOnePiece(requested) : requested;
    if (behaviour.kind === "hang") return;
    if (behaviour.kind === "raw") return void sendRaw(res, behaviour, pause);
    if (behaviour.kind === "drop") {
      req.socket.destroy();
      return;
    }
    // A "stream" behaviour is left only for a streaming request; HTTP errors come before any event.
    const send =
      behaviour.kind === "stream" || (recorded.stream && behaviour.kind !== "error")
        ? () => void sendEvents(res, eventsFor(behaviour, recorded))
        : () => {
            const { status, payload, headers } = replyFor(behaviour, recorded);
            sendJson(res, status, payload, headers);
          };
    const delayMs = behaviour.kind === "answer" ? behaviour.delayMs : undefined;
    if (delayMs === undefined) {
      send();
      return;
    }
    // The client may have given up meanwhile.
    void pause(delayMs).then(() => {
      if (!res.destroyed) send();
    });
  }

  const server = createServer(async (req, res) => {
    const at = Date.now();
    const text = await readBody(req).catch(() => undefined);
    if (text === undefined) return; // the client went away mid-upload
    const body = parseJson(text);
    const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const recorded: RecordedRequest = {
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
    record(recorded);

    if (req.method === "GET" && req.url === MODELS_PATH) return sendScripted(res, catalog);
    if (req.method === "GET" && req.url === KEY_PATH) return sendScripted(res, keyState);
    if (req.method !== "POST" || req.url !== COMPLETIONS_PATH) {
      return sendJson(res, 404, { error: { code: 404, message: "Not Found" } });
    }
    // Checked before the script, so an unauthenticated request consumes no scripted behaviour.
    if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) {
      return sendJson(res, 401, { error: { code: 401, message: "No auth credentials found" } });
    }
    if (body === undefined) {
      return sendJson(res, 400, { error: { code: 400, message: "Invalid JSON body" } });
    }
    respond(req, res, nextBehaviour(recorded), recorded);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    requests,
    enqueue: (...behaviours) => {
      sharedQueue.push(...behaviours);
    },
    enqueueFor: (model, ...behaviours) => {
      const queue = modelQueues.get(model) ?? [];
      queue.push(...behaviours);
      modelQueues.set(model, queue);
    },
    enqueueForQuestion: (question, ...behaviours) => {
      questionQueues.set(question, [...(questionQueues.get(question) ?? []), ...behaviours]);
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    setCatalog: (reply) => {
      catalog = "models" in reply ? { status: 200, body: { data: reply.models.map(catalogEntry) } } : reply;
    },
    setKeyState: (reply) => {
      keyState = "data" in reply ? { status: 200, body: { data: reply.data } } : reply;
    },
    waitForRequests: (n, timeoutMs = 10_000) => {
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Ends hanging and keep-alive connections, which would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** What a request asks: its last user message, when it is text. */
export function questionOf(request: RecordedRequest): string | undefined {
  const content = request.messages.findLast((m) => m.role === "user")?.content;
  return typeof content === "string" ? content : undefined;
}

function answerText(behaviour: Extract<Behaviour, { kind: "echo" | "answer" }>, recorded: RecordedRequest) {
  if (behaviour.kind === "answer") return behaviour.content;
  const lastUser = recorded.messages.findLast((m) => m.role === "user");
  return `Ответ: ${String(lastUser?.content ?? "")}`;
}

/** The outcome of a stream behaviour for a request that did not ask for a stream. */
function inOnePiece(
  behaviour: Extract<Behaviour, { kind: "stream" }>,
): Exclude<Behaviour, { kind: "stream" }> {
  const then = behaviour.andThen ?? "done";
  if (typeof then === "object") return { kind: "errorIn200", code: then.error };
  if (then === "stall" || then === "keepalive") return { kind: "hang" };
  if (then === "end") return { kind: "drop" };
  return { kind: "answer", content: behaviour.chunks.join("") };
}

/** Cuts text into about `parts` pieces, never inside a character. */
function splitInto(text: string, parts: number): string[] {
  const characters = Array.from(text);
  const size = Math.ceil(characters.length / parts);
  const pieces: string[] = [];
  for (let i = 0; i < characters.length; i += size) pieces.push(characters.slice(i, i + size).join(""));
  return pieces;
}

function sendScripted(res: ServerResponse, reply: ScriptedReply): void {
  if ("raw" in reply) {
    res.writeHead(reply.status, { "Content-Type": "application/json" }).end(reply.raw);
  } else {
    sendJson(res, reply.status, reply.body);
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}
