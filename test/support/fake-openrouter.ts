import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake does with one chat completion request. */
export type Behaviour =
  /** 200 with "Ответ: " + the last user message (the initial default). */
  | { kind: "echo" }
  | { kind: "answer"; content: string; delayMs?: number }
  | { kind: "error"; status: number; message?: string; retryAfter?: string }
  /** 200 whose body is a top-level error object, as OpenRouter sends for failures after routing. */
  | { kind: "errorIn200"; code: number; message?: string }
  /** 200 with a choice that finished with "error" and carries an error object. */
  | { kind: "choiceError"; code: number }
  | { kind: "empty" }
  /** Never answers; ends when the client aborts or the server closes. */
  | { kind: "hang" }
  /** Destroys the socket without any response. */
  | { kind: "drop" };

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
  /** The behaviour used once the queues are empty. */
  setDefault(behaviour: Behaviour): void;
  /** Resolves once `n` requests in all have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const COMPLETIONS_PATH = "/api/v1/chat/completions";

type RespondingBehaviour = Exclude<Behaviour, { kind: "hang" } | { kind: "drop" }>;

interface Reply {
  status: number;
  payload: unknown;
  headers?: Record<string, string>;
}

interface Waiter {
  count: number;
  resolve: (requests: RecordedRequest[]) => void;
}

export async function startFakeOpenRouter(): Promise<FakeOpenRouter> {
  const requests: RecordedRequest[] = [];
  const sharedQueue: Behaviour[] = [];
  const modelQueues = new Map<string, Behaviour[]>();
  let defaultBehaviour: Behaviour = { kind: "echo" };
  const waiters = new Set<Waiter>();
  const timers = new Set<NodeJS.Timeout>();
  let generation = 0;

  function nextBehaviour(model: string | undefined): Behaviour {
    const scoped = model === undefined ? undefined : modelQueues.get(model)?.shift();
    return scoped ?? sharedQueue.shift() ?? defaultBehaviour;
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

  function completion(model: string | undefined, choice: Record<string, unknown>): Record<string, unknown> {
    generation += 1;
    return {
      id: `gen-fake-${generation}`,
      provider: "Fake",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: model ?? "unknown",
      choices: [{ index: 0, logprobs: null, native_finish_reason: choice.finish_reason, ...choice }],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    };
  }

  function answer(model: string | undefined, content: string): Record<string, unknown> {
    return completion(model, { message: { role: "assistant", content }, finish_reason: "stop" });
  }

  /** The HTTP response a behaviour stands for; "hang" and "drop" have none. */
  function replyFor(behaviour: RespondingBehaviour, recorded: RecordedRequest): Reply {
    const { model } = recorded;
    switch (behaviour.kind) {
      case "echo": {
        const lastUser = recorded.messages.findLast((m) => m.role === "user");
        return { status: 200, payload: answer(model, `Ответ: ${String(lastUser?.content ?? "")}`) };
      }
      case "answer":
        return { status: 200, payload: answer(model, behaviour.content) };
      case "error": {
        const message = behaviour.message ?? `Fake error ${behaviour.status}`;
        const headers: Record<string, string> =
          behaviour.retryAfter === undefined ? {} : { "Retry-After": behaviour.retryAfter };
        return { status: behaviour.status, payload: { error: { code: behaviour.status, message } }, headers };
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

  function respond(
    req: IncomingMessage,
    res: ServerResponse,
    behaviour: Behaviour,
    recorded: RecordedRequest,
  ): void {
    if (behaviour.kind === "hang") return;
    if (behaviour.kind === "drop") {
      req.socket.destroy();
      return;
    }
    const { status, payload, headers } = replyFor(behaviour, recorded);
    const delayMs = behaviour.kind === "answer" ? behaviour.delayMs : undefined;
    if (delayMs === undefined) {
      sendJson(res, status, payload, headers);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      // The client may have given up meanwhile.
      if (!res.destroyed) sendJson(res, status, payload, headers);
    }, delayMs);
    timers.add(timer);
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
      at,
    };
    record(recorded);

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
    respond(req, res, nextBehaviour(recorded.model), recorded);
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
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
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
