/**
 * A fake OpenRouter on 127.0.0.1 speaking its wire format: chat completions (JSON or server-sent
 * events) as a test scripts them, `GET /models` and `GET /key`, and every request recorded. Assembled
 * here from its parts in ./openrouter/: what a behaviour is, the script, the JSON replies and error
 * bodies, the streams, the catalog and the request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Behaviour, inOnePiece } from "./openrouter/behaviours.js";
import {
  catalogEntry,
  defaultCatalog,
  defaultKeyState,
  type FakeCatalogModel,
  type ScriptedReply,
} from "./openrouter/catalog.js";
import { contentProblem } from "./openrouter/content.js";
import { createPauses } from "./openrouter/pauses.js";
import { replyFor, sendJson, sendScripted } from "./openrouter/replies.js";
import { createRequestLog, type RecordedRequest, recordedFrom } from "./openrouter/requests.js";
import { createScript } from "./openrouter/script.js";
import { eventsFor, sendEvents } from "./openrouter/sse.js";
import { sendRaw } from "./openrouter-shapes.js";

export {
  type Behaviour,
  dailyCapError,
  type FakeUsage,
  type StreamEnd,
} from "./openrouter/behaviours.js";
export {
  catalogEntry,
  type FakeCatalogModel,
  type ScriptedReply,
  SEEDED_MODELS,
} from "./openrouter/catalog.js";
export { questionOf, type RecordedMessage, type RecordedRequest } from "./openrouter/requests.js";

export interface FakeOpenRouter {
  /** E.g. http://127.0.0.1:PORT/api/v1, the value for OPENROUTER_BASE_URL. */
  baseUrl: string;
  /** Every request received, including rejected ones, in order of arrival. */
  requests: RecordedRequest[];
  /** Requests refused because they carried a forbidden secret (see FakeOpenRouterOptions). */
  leaks: RecordedRequest[];
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

export interface FakeOpenRouterOptions {
  /**
   * Secrets that must never reach OpenRouter (the bot token, which a Telegram file URL carries): a request
   * whose body or URL contains one is refused with 400 and counted in `leaks`.
   */
  forbidden?: readonly string[];
}

export async function startFakeOpenRouter(options: FakeOpenRouterOptions = {}): Promise<FakeOpenRouter> {
  const forbidden = (options.forbidden ?? []).filter((secret) => secret !== "");
  const leaks: RecordedRequest[] = [];
  const log = createRequestLog();
  const script = createScript();
  const { pause, cancelAll } = createPauses();
  let generation = 0;
  const nextId = () => `gen-fake-${++generation}`;
  let catalog = defaultCatalog();
  let keyState = defaultKeyState();

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
        ? () => void sendEvents(res, eventsFor(behaviour, recorded, nextId), pause)
        : () => {
            const { status, payload, headers } = replyFor(behaviour, recorded, nextId);
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
    const recorded = recordedFrom(req, text, body, at);
    log.record(recorded);

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
    if (forbidden.some((secret) => text.includes(secret) || (req.url ?? "").includes(secret))) {
      leaks.push(recorded);
      return sendJson(res, 400, {
        error: { code: 400, message: "Request carries a secret of another service" },
      });
    }
    const invalid = contentProblem(body);
    if (invalid !== undefined) return sendJson(res, 400, { error: { code: 400, message: invalid } });
    respond(req, res, script.next(recorded), recorded);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    requests: log.requests,
    leaks,
    enqueue: script.enqueue,
    enqueueFor: script.enqueueFor,
    enqueueForQuestion: script.enqueueForQuestion,
    setDefault: script.setDefault,
    setCatalog: (reply) => {
      catalog = "models" in reply ? { status: 200, body: { data: reply.models.map(catalogEntry) } } : reply;
    },
    setKeyState: (reply) => {
      keyState = "data" in reply ? { status: 200, body: { data: reply.data } } : reply;
    },
    waitForRequests: log.waitFor,
    close: () =>
      new Promise<void>((resolve, reject) => {
        cancelAll();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Ends hanging and keep-alive connections, which would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
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
