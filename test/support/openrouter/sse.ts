/**
 * The fake OpenRouter's streams: the `data:` events a behaviour stands for when a request asked for
 * `stream: true` (OpenAI's chunk format, OpenRouter's error events), and writing them as server-sent
 * events with OpenRouter's keep-alive comments.
 */
import type { ServerResponse } from "node:http";
import { type Behaviour, USAGE } from "./behaviours.js";
import { answerText, choiceErrorOf, errorIn200, generationOf, type NextId } from "./replies.js";
import type { RecordedRequest } from "./requests.js";

/** How many chunks a plain answer is cut into when it is streamed. */
const ANSWER_CHUNKS = 3;

/** OpenRouter's keep-alive comment, which clients must ignore. */
const KEEP_ALIVE = ": OPENROUTER PROCESSING\n\n";

export interface EventScript {
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

/** A behaviour that streams (every one but an HTTP error, a hang, a drop and raw bytes). */
export type StreamingBehaviour = Exclude<Behaviour, { kind: "error" | "hang" | "drop" | "raw" }>;

/** One `data:` chunk of a streamed answer, in OpenAI's chunk format. */
function chunk(id: string, model: string | undefined, choice: Record<string, unknown>) {
  return {
    ...generationOf(id, model, "chat.completion.chunk"),
    choices: [{ index: 0, delta: { content: "" }, finish_reason: null, ...choice }],
  };
}

/** The `data:` events a behaviour stands for when the request asked for a stream. */
export function eventsFor(
  behaviour: StreamingBehaviour,
  recorded: RecordedRequest,
  nextId: NextId,
): EventScript {
  const { model } = recorded;
  const id = nextId();
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
      return { events: [errorIn200(behaviour.code, behaviour.message)] };
    case "choiceError":
      return { events: [chunk(id, model, { finish_reason: "error", error: choiceErrorOf(behaviour.code) })] };
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
export async function sendEvents(
  res: ServerResponse,
  script: EventScript,
  pause: (ms: number) => Promise<void>,
): Promise<void> {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  res.write(KEEP_ALIVE);
  for (let waited = 0; waited < (script.processingMs ?? 0) && !res.destroyed; waited += 100) {
    await pause(100);
    if (!res.destroyed) res.write(KEEP_ALIVE);
  }
  for (const event of script.events) {
    if (script.delayMs !== undefined) await pause(script.delayMs);
    if (res.destroyed) return; // the client gave up meanwhile
    res.write(`data: ${typeof event === "string" ? event : JSON.stringify(event)}\n\n`);
  }
  while (script.keepAlive === true && !res.destroyed && !res.closed) {
    await pause(100);
    if (!res.destroyed) res.write(KEEP_ALIVE);
  }
  if (script.stall !== true) res.end();
}

/** Cuts text into about `parts` pieces, never inside a character. */
function splitInto(text: string, parts: number): string[] {
  const characters = Array.from(text);
  const size = Math.ceil(characters.length / parts);
  const pieces: string[] = [];
  for (let i = 0; i < characters.length; i += size) pieces.push(characters.slice(i, i + size).join(""));
  return pieces;
}
