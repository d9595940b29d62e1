// The OpenRouter client's vocabulary: requests, answers and options. Imports nothing, so every other
// file of the client can use it (types → errors → wire → transport → complete / stream → client).

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  /** Text, or (a question with a photo, voice or document) OpenRouter's content parts. */
  content: string | readonly ContentPart[];
}

/**
 * OpenRouter's content parts of a user message: text, an image (a URL or a base64 data URL), audio
 * (base64 with its format; OpenRouter takes no audio URLs) and a file (a PDF as a base64 data URL).
 */
export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } }
  | { type: "input_audio"; input_audio: { data: string; format: string } }
  | { type: "file"; file: { filename: string; file_data: string } };

export interface CompletionRequest {
  model: string;
  messages: readonly ChatMessage[];
  /** `max_tokens` of this request; the client's `maxTokens` when not given. */
  maxTokens?: number;
  /** Cancels the request; its abort reason is rethrown as is, not as an OpenRouterError. */
  signal?: AbortSignal;
}

export interface StreamRequest extends CompletionRequest {
  /** Gets each new piece of the answer, in order; an exception it throws ends the request as is. */
  onDelta?: (text: string) => void;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Credits (US dollars) the request cost, when OpenRouter reports it. */
  cost?: number;
}

export interface Completion {
  /** At most the client's `maxAnswerChars` characters (see `cut`). */
  content: string;
  /** The model that answered, as OpenRouter reports it. */
  model: string;
  usage?: TokenUsage;
  /**
   * Why the text is cut short, when it is: "length" (the model's output limit), "content_filter" (the
   * provider withheld the rest) or "too_long" (it went on past `maxAnswerChars`: `content` is its
   * beginning, the rest was not read). Absent for an answer that finished normally.
   */
  cut?: AnswerCut;
}

/** finish_reason values that mean the model's text is not whole. */
export type ModelCut = "length" | "content_filter";
/** Why an answer text is not whole: the model's finish_reason, or the client's own cap. */
export type AnswerCut = ModelCut | "too_long";

export interface OpenRouterClientOptions {
  /** Undefined or blank: every request fails with kind "missing_key" before anything is sent. */
  apiKey: string | undefined;
  /** E.g. https://openrouter.ai/api/v1 */
  baseUrl: string;
  /** Bounds the whole exchange of complete(): connecting, waiting for the model and reading the body. */
  timeoutMs: number;
  /**
   * stream() only: how long the stream may go without an event or a keep-alive comment (the wait for
   * the first one included) before it fails with kind "timeout". OpenRouter sends its comments
   * (": OPENROUTER PROCESSING") while the model is still working, so they count as life: such a
   * stream is bounded by streamTimeoutMs and the caller's signal (the ask's deadline). Defaults to timeoutMs.
   */
  streamIdleTimeoutMs?: number;
  /** stream() only: bounds a whole streamed answer, which may run long while it keeps coming. Defaults to timeoutMs. */
  streamTimeoutMs?: number;
  /** `max_tokens` sent with every request that names none (OPENROUTER_MAX_TOKENS). */
  maxTokens: number;
  /**
   * The most text one request gathers, in characters (UTF-16 units): a model that goes on past it
   * (ignoring `max_tokens`) is cut there and its answer's `cut` is "too_long", so that no answer can
   * exhaust the process's memory.
   */
  maxAnswerChars: number;
  /** Sent as HTTP-Referer and X-Title, which identify the app to OpenRouter. */
  referer: string;
  title: string;
  fetch?: typeof fetch;
}

export interface OpenRouterClient {
  complete(request: CompletionRequest): Promise<Completion>;
  /**
   * complete() with the answer streamed as server-sent events. Each OpenRouterError it throws
   * carries in partialText the text received before the failure ("" if none).
   */
  stream(request: StreamRequest): Promise<Completion>;
}
