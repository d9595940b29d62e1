/**
 * The fake OpenRouter's JSON replies: a chat completion (an answer, an empty one, a choice that failed),
 * OpenRouter's error bodies (an HTTP error, an error inside a 200), and writing a JSON response.
 */
import type { ServerResponse } from "node:http";
import { type Behaviour, type FakeUsage, USAGE } from "./behaviours.js";
import type { ScriptedReply } from "./catalog.js";
import { questionOf, type RecordedRequest } from "./requests.js";

/** A behaviour that is one JSON reply (every one but those that hang, drop, stream or send raw bytes). */
export type RespondingBehaviour = Exclude<Behaviour, { kind: "hang" | "drop" | "stream" | "raw" }>;

export interface Reply {
  status: number;
  payload: unknown;
  headers?: Record<string, string>;
}

/** Gives each completion its own generation id (`gen-fake-N`). */
export type NextId = () => string;

/** The fields every completion and stream chunk of one generation share. */
export function generationOf(id: string, model: string | undefined, object: string) {
  return { id, provider: "Fake", object, created: Math.floor(Date.now() / 1000), model: model ?? "unknown" };
}

function completion(
  id: string,
  model: string | undefined,
  choice: Record<string, unknown>,
  usage: FakeUsage = USAGE,
): Record<string, unknown> {
  return {
    ...generationOf(id, model, "chat.completion"),
    choices: [{ index: 0, logprobs: null, native_finish_reason: choice.finish_reason, ...choice }],
    usage,
  };
}

function answer(id: string, model: string | undefined, content: string, usage?: FakeUsage) {
  return completion(id, model, { message: { role: "assistant", content }, finish_reason: "stop" }, usage);
}

/** The error object of a 200 reply or stream event after routing failed. */
export function errorIn200(code: number, message = `Fake upstream error ${code}`) {
  return { error: { code, message, metadata: { provider_name: "Fake" } } };
}

/** The provider's error carried by a choice that finished with "error". */
export const choiceErrorOf = (code: number) => ({ code, message: `Fake provider error ${code}` });

/** The text of an echo or an answer. */
export function answerText(
  behaviour: Extract<Behaviour, { kind: "echo" | "answer" }>,
  recorded: RecordedRequest,
): string {
  if (behaviour.kind === "answer") return behaviour.content;
  // Of content parts, the text (an image, audio or file echoes as nothing more).
  return `Ответ: ${questionOf(recorded) ?? ""}`;
}

/** The HTTP response a behaviour stands for. */
export function replyFor(behaviour: RespondingBehaviour, recorded: RecordedRequest, nextId: NextId): Reply {
  const { model } = recorded;
  switch (behaviour.kind) {
    case "echo":
    case "answer":
      return {
        status: 200,
        payload: answer(
          nextId(),
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
    case "errorIn200":
      return { status: 200, payload: errorIn200(behaviour.code, behaviour.message) };
    case "choiceError":
      return {
        status: 200,
        payload: completion(nextId(), model, {
          message: { role: "assistant", content: "" },
          finish_reason: "error",
          error: choiceErrorOf(behaviour.code),
        }),
      };
    case "empty":
      return { status: 200, payload: answer(nextId(), model, "") };
  }
}

export function sendScripted(res: ServerResponse, reply: ScriptedReply): void {
  if ("raw" in reply) {
    res.writeHead(reply.status, { "Content-Type": "application/json" }).end(reply.raw);
  } else {
    sendJson(res, reply.status, reply.body);
  }
}

export function sendJson(
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
