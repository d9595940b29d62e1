import type { ReadableStreamReadResult } from "node:stream/web";
import { errorEnvelope, MAX_BODY_BYTES, parseJson, readText } from "@notesbot/shared/openrouter";
import { createParser } from "eventsource-parser";
import { answerCut, noAnswer, OpenRouterError } from "./errors.js";
import { StreamedAnswer } from "./streamed-answer.js";
import { type Deadline, failureOf, type Transport } from "./transport.js";
import type { Completion, OpenRouterClientOptions, StreamRequest } from "./types.js";

type StreamOptions = Pick<
  OpenRouterClientOptions,
  "timeoutMs" | "streamIdleTimeoutMs" | "streamTimeoutMs" | "maxTokens" | "maxAnswerChars"
>;

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
        const body = {
          model: request.model,
          messages: request.messages,
          max_tokens: request.maxTokens ?? options.maxTokens,
          stream: true,
        };
        response = await transport.post(body, signal);
      } catch (error) {
        throw fail(error);
      }

      if (!response.ok) {
        let text: string | undefined;
        try {
          text = await readText(response, MAX_BODY_BYTES);
        } catch (error) {
          throw fail(error);
        }
        throw transport.httpError(
          response.status,
          errorEnvelope.safeParse(text === undefined ? undefined : parseJson(text)).data?.error,
          response,
        );
      }

      const answer = new StreamedAnswer(options.maxAnswerChars);
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
        while (reader !== undefined && !answer.done && answer.error === undefined && !answer.truncated) {
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
        // Releases the connection when reading stops early: [DONE], an error event, the answer cut at
        // maxAnswerChars, or onDelta threw.
        reader?.cancel().catch(() => {});
      }

      const cut = answerCut(answer.finishReason);
      // An error after the choice finished by its length limit is that limit's echo (OpenRouter's
      // 400 "Token limit reached"): the cut, not the request, says what happened.
      if (answer.error !== undefined && cut !== "length")
        throw transport.carriedError(answer.error, response, answer.text);
      // Cut at maxAnswerChars: the beginning is the answer (its usage, at the end, is not read).
      if (answer.truncated)
        return { content: answer.text, model: answer.model ?? request.model, cut: "too_long" };
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
