export { createOpenRouterClient } from "./client.js";
export { OpenRouterError, type OpenRouterErrorKind } from "./errors.js";
export type {
  AnswerCut,
  ChatMessage,
  Completion,
  CompletionRequest,
  ContentPart,
  OpenRouterClient,
  OpenRouterClientOptions,
  StreamRequest,
  TokenUsage,
} from "./types.js";
