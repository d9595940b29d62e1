import type { WorkerMetrics } from "@notesbot/shared/metrics";
import { type OpenRouterClient, OpenRouterError } from "@notesbot/shared/openrouter";
import type { BreakerState } from "./model-breakers.js";

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** The status label of a finished request: the HTTP status, or what happened instead of one. */
function statusOf(error: unknown): string {
  if (!(error instanceof OpenRouterError)) return "error";
  if (error.kind === "timeout" || error.kind === "network") return error.kind;
  return error.status !== undefined ? String(error.status) : error.kind;
}

/** Counts and times every request that reaches OpenRouter (openrouter_requests_total, _duration_seconds). */
export function instrument(client: OpenRouterClient, metrics: WorkerMetrics): OpenRouterClient {
  return {
    async complete(request) {
      const stop = metrics.openrouterDuration.startTimer({ model: request.model });
      try {
        const completion = await client.complete(request);
        metrics.openrouterRequests.inc({ model: request.model, status: "200" });
        return completion;
      } catch (error) {
        metrics.openrouterRequests.inc({ model: request.model, status: statusOf(error) });
        throw error;
      } finally {
        stop();
      }
    },
  };
}
