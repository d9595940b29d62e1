export {
  type ChatMessage,
  type Completion,
  type CompletionRequest,
  createOpenRouterClient,
  type OpenRouterClient,
  type OpenRouterClientOptions,
  type TokenUsage,
} from "./client.js";
export { OpenRouterError, type OpenRouterErrorKind } from "./errors.js";
export type { StreamingOpenRouterClient, StreamRequest } from "./stream.js";
