import type { Logger } from "@notesbot/shared/logging";
import type { AskJob } from "@notesbot/shared/queue";
import type { UsageStore } from "@notesbot/shared/usage";
import type { TokenUsage } from "../openrouter/index.js";

/**
 * Records an answered ask's token usage (OpenRouter's `usage` object) in PostgreSQL for `/usage`,
 * keyed by the job id, so a re-run counts once. It never holds up or endangers the answer: the write
 * runs beside the delivery, and a failure is logged with its code and forgotten (the ask is answered;
 * only its row is missing).
 */
export function createUsageRecorder(store: UsageStore, logger: Logger) {
  return (jobId: string, ask: AskJob, modelKey: string, usage: TokenUsage): void => {
    store
      .record({
        userId: ask.userId,
        jobId,
        modelKey,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        cost: usage.cost ?? 0,
      })
      .catch((error: unknown) => {
        logger.warn({ jobId, code: (error as { code?: string }).code ?? "unknown" }, "usage not recorded");
      });
  };
}
