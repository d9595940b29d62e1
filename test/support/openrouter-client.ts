import { afterEach, beforeEach } from "vitest";
import {
  createOpenRouterClient,
  type OpenRouterClientOptions,
} from "../../services/worker/src/openrouter/index.js";
import { type FakeOpenRouter, startFakeOpenRouter } from "./fake-openrouter.js";

export const API_KEY = "sk-or-v1-test-secret";
export const MODEL = "meta-llama/llama-3.3-70b-instruct:free";

/** A fresh fake OpenRouter for every test of the file, and a client pointed at it. */
export function useFakeOpenRouter() {
  let current: FakeOpenRouter | undefined;
  beforeEach(async () => {
    current = await startFakeOpenRouter();
  });
  afterEach(async () => {
    await current?.close();
  });
  const fake = () => {
    if (!current) throw new Error("the fake OpenRouter runs only inside a test");
    return current;
  };
  return {
    fake,
    client: (overrides: Partial<OpenRouterClientOptions> = {}) =>
      createOpenRouterClient({
        apiKey: API_KEY,
        baseUrl: fake().baseUrl,
        timeoutMs: 5_000,
        maxTokens: 1_000,
        maxAnswerChars: 32_000,
        referer: "https://github.com/example/notesbot",
        title: "Notes bot",
        ...overrides,
      }),
  };
}
