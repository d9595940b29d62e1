import type { Logger } from "@notesbot/shared/logging";

/** How an ask ended, as the one place that reports it sees it. */
export interface Ending {
  /** "undeliverable": the chat takes no messages from the bot (it was blocked); nothing was shown. */
  outcome: "ok" | "error" | "cancelled" | "undeliverable";
  /** The model that answered, or the ask's own. */
  modelKey: string;
  /** Why it is not "ok": a failure label (`503`, `timeout`, `deadline`, …). */
  failure?: string;
  /** The Bot API error code when Telegram ended it. */
  telegramCode?: number | string;
}

export interface OutcomeReporterDeps {
  logger: Logger;
  /** ask_duration_seconds, by model and outcome (ok, error, cancelled). */
  observeDuration: (labels: { model: string; outcome: string }, seconds: number) => void;
  /** ask_daily_cap_total: an ask refused because OpenRouter's free daily cap was used up. */
  countDailyCap: () => void;
}

/** The one place an ask's end is reported: one log line, the duration metric, the daily cap's count. */
export function createOutcomeReporter(deps: OutcomeReporterDeps) {
  return (jobId: string, enqueuedAt: number, ending: Ending): void => {
    const durationMs = Date.now() - enqueuedAt;
    deps.logger.info({ jobId, ...ending, durationMs }, "ask finished");
    const outcome = ending.outcome === "undeliverable" ? "error" : ending.outcome;
    deps.observeDuration({ model: ending.modelKey, outcome }, durationMs / 1000);
    if (ending.failure === "daily_cap") deps.countDailyCap();
  };
}

export type OutcomeReporter = ReturnType<typeof createOutcomeReporter>;
