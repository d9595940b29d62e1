import type { ReadableStreamReadResult } from "node:stream/web";
import { createParser } from "eventsource-parser";
import { answerCut, noAnswer, OpenRouterError } from "./errors.js";
import { StreamedAnswer } from "./streamed-answer.js";
import { type Deadline, failureOf, type Transport } from "./transport.js";
import type { Completion, OpenRouterClientOptions, StreamRequest } from "./types.js";
import { errorEnvelope, parseJson } from "./wire.js";

type StreamOptions = Pick<OpenRouterClientOptions, "timeoutMs" | "streamIdleTimeoutMs" | "streamTimeoutMs">;

export function createStream(transport: Transport, options: StreamOptions) {
  const idleMs = options.streamIdleTimeoutMs ?? options.timeoutMs;

  return async function stream(request: StreamRequest): Promise<Completion> {
    transport.requireKey();

    const overallMs = options.streamTimeoutMs ?? options.timeoutMs;
    const overall = AbortSignal.timeout(overallMs);
    const idle = new AbortController();
    // Refreshed by every event and every keep-alive comment, so it fires after idleMs of silence.
    const idleTimer = setTimeout(() => idle.abort(new DOMException("stream idle", "TimeoutError")), idleMs);
    const deadlines: Deadline[] = [
      { signal: overall, message: `OpenRouter did not finish within ${overallMs} ms`, limitMs: overallMs },
      {
        signal: idle.signal,
        message: `OpenRouter stream stalled: no data for ${idleMs} ms`,
        limitMs: idleMs,
      },
    ];
    const signal = AbortSignal.any([overall, idle.signal, ...(request.signal ? [request.signal] : [])]);
    const fail = (error: unknown, partialText = "") =>
      failureOf(error, request.signal, deadlines, partialText);

    try {
      let response: Response;
      try {
        response = await transport.post(
          { model: request.model, messages: request.messages, stream: true },
          signal,
        );
      } catch (error) {
        throw fail(error);
      }

      if (!response.ok) {
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          throw fail(error);
        }
        throw transport.httpError(
          response.status,
          errorEnvelope.safeParse(parseJson(text)).data?.error,
          response,
        );
      }

      const answer = new StreamedAnswer();
      const parser = createParser({
        // OpenRouter's ": OPENROUTER PROCESSING" while the model works: the request is alive.
        onComment: () => idleTimer.refresh(),
        onEvent: (event) => {
          idleTimer.refresh();
          const piece = answer.apply(event.data);
          if (piece !== "") request.onDelta?.(piece);
        },
      });
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      try {
        while (reader !== undefined && !answer.done && answer.error === undefined) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            // Once a choice has finished only the usage is missing: the answer stands.
            if (answer.finished && !request.signal?.aborted) break;
            throw fail(error, answer.text);
          }
          if (chunk.done) break;
          parser.feed(decoder.decode(chunk.value, { stream: true }));
        }
      } finally {
        // Releases the connection when reading stops early: [DONE], an error event, or onDelta threw.
        reader?.cancel().catch(() => {});
      }

      const cut = answerCut(answer.finishReason);
      // An error after the choice finished by its length limit is that limit's echo (OpenRouter's
      // 400 "Token limit reached"): the cut, not the request, says what happened.
      if (answer.error !== undefined && cut !== "length")
        throw transport.carriedError(answer.error, response, answer.text);
      if (!answer.done && !answer.finished) {
        throw new OpenRouterError("network", "OpenRouter stream ended before the answer was complete", {
          partialText: answer.text,
        });
      }
      if (answer.text.trim() === "") throw noAnswer(cut, answer.text);
      const completion: Completion = { content: answer.text, model: answer.model ?? request.model };
      if (answer.usage !== undefined) completion.usage = answer.usage;
      if (cut !== undefined) completion.cut = cut;
      return completion;
    } finally {
      clearTimeout(idleTimer);
    }
  };
}
