import type { WorkerMetrics } from "@notesbot/shared/metrics";
import { type Completion, type OpenRouterClient, OpenRouterError } from "../openrouter/index.js";
import type { BreakerState } from "./model-breakers.js";

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** The status label of a finished request: the HTTP status, or what happened instead of one. */
function statusOf(error: unknown): string {
  if (!(error instanceof OpenRouterError)) return "aborted"; // a stop of ours: cancel, shutdown, deadline
  if (error.kind === "timeout" || error.kind === "network") return error.kind;
  return error.status !== undefined ? String(error.status) : error.kind;
}

/**
 * Counts and times every request that reaches OpenRouter (openrouter_requests_total, _duration_seconds)
 * and counts the tokens of every answer (openrouter_tokens_total).
 */
export function instrument(client: OpenRouterClient, metrics: WorkerMetrics): OpenRouterClient {
  const measured = async (model: string, request: () => Promise<Completion>): Promise<Completion> => {
    const stop = metrics.openrouterDuration.startTimer({ model });
    try {
      const result = await request();
      metrics.openrouterRequests.inc({ model, status: "200" });
      const usage = result.usage;
      if (usage !== undefined) {
        metrics.tokens.inc({ model, kind: "prompt" }, usage.promptTokens);
        metrics.tokens.inc({ model, kind: "completion" }, usage.completionTokens);
      }
      return result;
    } catch (error) {
      metrics.openrouterRequests.inc({ model, status: statusOf(error) });
      throw error;
    } finally {
      stop();
    }
  };
  return {
    complete: (request) => measured(request.model, () => client.complete(request)),
    stream: (request) => measured(request.model, () => client.stream(request)),
  };
}
