import { errorEnvelope, MAX_BODY_BYTES, parseJson, readText } from "@notesbot/shared/openrouter";
import { answerCut, noAnswer, UPSTREAM_FAILURE } from "./errors.js";
import { cutAt, failureOf, type Transport } from "./transport.js";
import type { Completion, CompletionRequest, OpenRouterClientOptions } from "./types.js";
import { completionBody, toUsage } from "./wire.js";

/**
 * A chat completion in one piece: one request, bounded by `timeoutMs` from connecting to the last byte,
 * its body by MAX_BODY_BYTES and its answer by `maxAnswerChars`.
 */
export function createComplete(
  transport: Transport,
  options: Pick<OpenRouterClientOptions, "timeoutMs" | "maxTokens" | "maxAnswerChars">,
) {
  return async function complete(request: CompletionRequest): Promise<Completion> {
    transport.requireKey();

    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    let response: Response;
    let text: string | undefined;
    try {
      const body = {
        model: request.model,
        messages: request.messages,
        max_tokens: request.maxTokens ?? options.maxTokens,
      };
      response = await transport.post(body, signal);
      text = await readText(response, MAX_BODY_BYTES);
    } catch (error) {
      throw failureOf(error, request.signal, [
        {
          signal: timeout,
          message: `OpenRouter did not answer within ${options.timeoutMs} ms`,
          limitMs: options.timeoutMs,
        },
      ]);
    }

    if (text === undefined) {
      const tooLarge = { message: `response larger than ${MAX_BODY_BYTES} bytes` };
      throw transport.httpError(response.ok ? UPSTREAM_FAILURE : response.status, tooLarge, response);
    }
    const body = parseJson(text);
    const envelope = errorEnvelope.safeParse(body);
    if (!response.ok) throw transport.httpError(response.status, envelope.data?.error, response);
    // OpenRouter reports failures met after it accepted the request inside an HTTP 200.
    if (envelope.success) throw transport.carriedError(envelope.data.error, response);

    const parsed = completionBody.safeParse(body);
    if (!parsed.success) {
      throw transport.httpError(UPSTREAM_FAILURE, { message: "malformed completion response" }, response);
    }
    const choice = parsed.data.choices[0];
    if (choice?.finish_reason === "error" || choice?.error !== undefined) {
      throw transport.carriedError(choice.error ?? {}, response);
    }
    const content = choice?.message?.content ?? "";
    const finished = answerCut(choice?.finish_reason);
    if (content.trim() === "") throw noAnswer(finished);

    const capped = cutAt(content, options.maxAnswerChars);
    const completion: Completion = { content: capped ?? content, model: parsed.data.model ?? request.model };
    if (parsed.data.usage !== undefined) completion.usage = toUsage(parsed.data.usage);
    const cut = capped === undefined ? finished : "too_long";
    if (cut !== undefined) completion.cut = cut;
    return completion;
  };
}
