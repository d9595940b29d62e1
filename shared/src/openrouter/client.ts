import { z } from "zod";
import { OpenRouterError, parseRetryAfter } from "./errors.js";

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
  /** Sent as HTTP-Referer and X-Title, which identify the app to OpenRouter. */
  referer: string;
  title: string;
  fetch?: typeof fetch;
}

export interface OpenRouterClient {
  complete(request: CompletionRequest): Promise<Completion>;
}

const errorObject = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});
const errorEnvelope = z.object({ error: errorObject });
const completionBody = z.object({
  model: z.string().optional(),
  choices: z.array(
    z.object({
      finish_reason: z.string().nullish(),
      message: z.object({ content: z.string().nullish() }).optional(),
      error: errorObject.optional(),
    }),
  ),
  usage: z
    .object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() })
    .optional(),
});

type ErrorObject = z.infer<typeof errorObject>;

/** OpenRouter's own meaning of 502: the upstream model gave an invalid or failed response. */
const UPSTREAM_FAILURE = 502;
const MAX_MESSAGE_LENGTH = 300;

export function createOpenRouterClient(options: OpenRouterClientOptions): OpenRouterClient {
  const fetchImpl = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const apiKey = options.apiKey?.trim() ?? "";
  // Upstream messages are ours to show and log, so a key they might echo is scrubbed.
  const scrub = (text: string): string =>
    (apiKey === "" ? text : text.replaceAll(apiKey, "[REDACTED]")).slice(0, MAX_MESSAGE_LENGTH);

  function httpError(status: number, detail: string | undefined, response: Response): OpenRouterError {
    const suffix = detail === undefined || detail.trim() === "" ? "" : `: ${scrub(detail)}`;
    return new OpenRouterError("http", `OpenRouter error ${status}${suffix}`, {
      status,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    });
  }

  function carriedError(error: ErrorObject, response: Response): OpenRouterError {
    const code = Number(error.code);
    const status = Number.isInteger(code) && code > 0 ? code : UPSTREAM_FAILURE;
    return httpError(status, error.message, response);
  }

  async function complete(request: CompletionRequest): Promise<Completion> {
    if (apiKey === "") throw new OpenRouterError("missing_key", "OPENROUTER_API_KEY is not set");

    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${apiKey}`,
          "HTTP-Referer": options.referer,
          "X-Title": options.title,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ model: request.model, messages: request.messages }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (timeout.aborted) {
        throw new OpenRouterError("timeout", `OpenRouter did not answer within ${options.timeoutMs} ms`, {
          cause: error,
        });
      }
      throw new OpenRouterError("network", `OpenRouter request failed: ${describe(error)}`, { cause: error });
    }

    const body = parseJson(text);
    const envelope = errorEnvelope.safeParse(body);
    if (!response.ok) throw httpError(response.status, envelope.data?.error.message, response);
    // OpenRouter reports failures met after it accepted the request inside an HTTP 200.
    if (envelope.success) throw carriedError(envelope.data.error, response);

    const parsed = completionBody.safeParse(body);
    if (!parsed.success) throw httpError(UPSTREAM_FAILURE, "malformed completion response", response);
    const choice = parsed.data.choices[0];
    if (choice?.finish_reason === "error" || choice?.error !== undefined) {
      throw carriedError(choice.error ?? {}, response);
    }
    const content = choice?.message?.content ?? "";
    if (content.trim() === "") {
      throw new OpenRouterError("empty_answer", "OpenRouter returned an empty answer");
    }

    const completion: Completion = { content, model: parsed.data.model ?? request.model };
    const usage = parsed.data.usage;
    if (usage !== undefined) {
      completion.usage = {
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        totalTokens: usage.total_tokens,
      };
    }
    return completion;
  }

  return { complete };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Names the low-level cause (fetch says only "fetch failed"), e.g. "other side closed". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}
