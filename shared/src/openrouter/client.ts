import { OpenRouterError } from "./errors.js";
import { createStream, type StreamingOpenRouterClient } from "./stream.js";
import { createTransport, failureOf, UPSTREAM_FAILURE } from "./transport.js";
import { completionBody, errorEnvelope, parseJson, toUsage } from "./wire.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompletionRequest {
  model: string;
  messages: readonly ChatMessage[];
  /** Cancels the request; its abort reason is rethrown as is, not as an OpenRouterError. */
  signal?: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface Completion {
  content: string;
  /** The model that answered, as OpenRouter reports it. */
  model: string;
  usage?: TokenUsage;
}

export interface OpenRouterClientOptions {
  /** Undefined or blank: every request fails with kind "missing_key" before anything is sent. */
  apiKey: string | undefined;
  /** E.g. https://openrouter.ai/api/v1 */
  baseUrl: string;
  /** Bounds the whole exchange: connecting, waiting for the model and reading the body. */
  timeoutMs: number;
  /**
   * stream() only: how long the stream may go without a single byte (OpenRouter's keep-alive
   * comments count) before it fails with kind "timeout". Defaults to timeoutMs.
   */
  streamIdleTimeoutMs?: number;
  /** stream() only: bounds a whole streamed answer, which may run long while it keeps coming. Defaults to timeoutMs. */
  streamTimeoutMs?: number;
  /** Sent as HTTP-Referer and X-Title, which identify the app to OpenRouter. */
  referer: string;
  title: string;
  fetch?: typeof fetch;
}

export interface OpenRouterClient {
  complete(request: CompletionRequest): Promise<Completion>;
}

export function createOpenRouterClient(options: OpenRouterClientOptions): StreamingOpenRouterClient {
  const transport = createTransport(options);

  async function complete(request: CompletionRequest): Promise<Completion> {
    transport.requireKey();

    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    let response: Response;
    let text: string;
    try {
      response = await transport.post({ model: request.model, messages: request.messages }, signal);
      text = await response.text();
    } catch (error) {
      throw failureOf(error, request.signal, [
        { signal: timeout, message: `OpenRouter did not answer within ${options.timeoutMs} ms` },
      ]);
    }

    const body = parseJson(text);
    const envelope = errorEnvelope.safeParse(body);
    if (!response.ok) throw transport.httpError(response.status, envelope.data?.error.message, response);
    // OpenRouter reports failures met after it accepted the request inside an HTTP 200.
    if (envelope.success) throw transport.carriedError(envelope.data.error, response);

    const parsed = completionBody.safeParse(body);
    if (!parsed.success) {
      throw transport.httpError(UPSTREAM_FAILURE, "malformed completion response", response);
    }
    const choice = parsed.data.choices[0];
    if (choice?.finish_reason === "error" || choice?.error !== undefined) {
      throw transport.carriedError(choice.error ?? {}, response);
    }
    const content = choice?.message?.content ?? "";
    if (content.trim() === "") {
      throw new OpenRouterError("empty_answer", "OpenRouter returned an empty answer");
    }

    const completion: Completion = { content, model: parsed.data.model ?? request.model };
    if (parsed.data.usage !== undefined) completion.usage = toUsage(parsed.data.usage);
    return completion;
  }

  return { complete, stream: createStream(transport, options) };
}
