import { createComplete } from "./complete.js";
import { createStream } from "./stream.js";
import { createTransport } from "./transport.js";
import type { OpenRouterClient, OpenRouterClientOptions } from "./types.js";

/** The OpenRouter chat completions client: one transport shared by complete() and stream(). */
export function createOpenRouterClient(options: OpenRouterClientOptions): OpenRouterClient {
  const transport = createTransport(options);
  return { complete: createComplete(transport, options), stream: createStream(transport, options) };
}
