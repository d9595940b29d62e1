import CircuitBreaker from "opossum";
import type { ChatMessage, Completion, OpenRouterClient } from "../openrouter/index.js";
import { BreakerOpenError, classifyFailure, isUsersFault } from "./failure.js";

export interface BreakerSettings {
  volumeThreshold: number;
  errorPercent: number;
  windowMs: number;
  resetMs: number;
}

export type BreakerState = "closed" | "half_open" | "open";

/**
 * What says nothing about the model's health, so the breaker does not count it: the user's own
 * faults, and every stop of ours (a /cancel, a shutdown, the ask's deadline) — an abort is rethrown
 * as its reason, never as an OpenRouterError.
 */
const notTheModels = (error: unknown) => {
  const failure = classifyFailure(error, 0);
  return failure === undefined || isUsersFault(failure);
};

/**
 * One opossum breaker per model, created on first use: a failing model fails fast while the others
 * keep answering. It judges a model by its failure rate over at least `volumeThreshold` calls in the
 * window, so one question's own retries cannot open it.
 */
export function createModelBreakers(
  client: OpenRouterClient,
  settings: BreakerSettings,
  onStateChange: (model: string, state: BreakerState) => void = () => {},
) {
  type Args = [
    ChatMessage[],
    AbortSignal | undefined,
    ((delta: string) => void) | undefined,
    number | undefined,
  ];
  const breakers = new Map<string, CircuitBreaker<Args, Completion>>();

  const breakerFor = (model: string) => {
    let breaker = breakers.get(model);
    if (breaker) return breaker;
    breaker = new CircuitBreaker(
      (...[messages, signal, onDelta, maxTokens]: Args) => {
        const request = {
          model,
          messages,
          ...(signal ? { signal } : {}),
          ...(maxTokens === undefined ? {} : { maxTokens }),
        };
        return onDelta ? client.stream({ ...request, onDelta }) : client.complete(request);
      },
      {
        name: model,
        timeout: false, // the client bounds each request itself
        volumeThreshold: settings.volumeThreshold,
        errorThresholdPercentage: settings.errorPercent,
        rollingCountTimeout: settings.windowMs,
        rollingCountBuckets: 10,
        resetTimeout: settings.resetMs,
        errorFilter: notTheModels,
      },
    );
    breaker.on("open", () => onStateChange(model, "open"));
    breaker.on("halfOpen", () => onStateChange(model, "half_open"));
    breaker.on("close", () => onStateChange(model, "closed"));
    breakers.set(model, breaker);
    onStateChange(model, "closed");
    return breaker;
  };

  return {
    /**
     * With `onDelta` the answer is streamed, each new piece passed on as it arrives; `maxTokens` is
     * the request's `max_tokens` (the client's default when not given).
     */
    async complete(
      model: string,
      messages: ChatMessage[],
      signal?: AbortSignal,
      onDelta?: (delta: string) => void,
      maxTokens?: number,
    ): Promise<Completion> {
      try {
        return await breakerFor(model).fire(messages, signal, onDelta, maxTokens);
      } catch (error) {
        if ((error as { code?: string }).code === "EOPENBREAKER")
          throw new BreakerOpenError(`breaker open: ${model}`);
        throw error;
      }
    },
    shutdown(): void {
      for (const breaker of breakers.values()) breaker.shutdown();
    },
  };
}

export type ModelBreakers = ReturnType<typeof createModelBreakers>;
