import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Labels stay low-cardinality: commands, models, statuses — never a user or a chat. */

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LLM_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

const telegramErrors = (registry: Registry) =>
  new Counter({
    name: "telegram_api_errors_total",
    help: "Bot API calls answered with an error, by method and error code",
    labelNames: ["method", "code"] as const,
    registers: [registry],
  });

/** The shared Telegram budget as one process sees it (shared/src/telegram-budget). */
const telegramBudget = (registry: Registry) => ({
  waited: new Histogram({
    name: "telegram_budget_wait_seconds",
    help: "How long Bot API calls waited for their turn in the shared Telegram budget (calls that waited)",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  skipped: new Counter({
    name: "telegram_budget_skipped_total",
    help: "Spare Bot API calls (streamed previews) skipped because the Telegram budget had no room, by method",
    labelNames: ["method"] as const,
    registers: [registry],
  }),
  slowdowns: new Counter({
    name: "telegram_budget_slowdowns_total",
    help: "Telegram 429 answers the budget learnt from (the rate in all cut, the chat held for retry_after)",
    registers: [registry],
  }),
  bypassed: new Counter({
    name: "telegram_budget_bypassed_total",
    help: "Bot API calls made without the Telegram budget because Redis did not answer in time",
    registers: [registry],
  }),
});

export type TelegramBudgetMetrics = ReturnType<typeof telegramBudget>;

/** Entries of OpenRouter's model list a sync could not read and skipped (the rest was used). */
/** A counter by one label, every value of which is exported from the start: its rate is 0, not missing. */
function countedBy<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  label: L,
  values: readonly string[],
): Counter<L> {
  const counter = new Counter({ name, help, labelNames: [label], registers: [registry] });
  for (const value of values) counter.inc({ [label]: value } as Partial<Record<L, string>>, 0);
  return counter;
}

const registryEntriesSkipped = (registry: Registry) =>
  new Counter({
    name: "registry_entries_skipped_total",
    help: "Entries of OpenRouter's model list that could not be read and were skipped (the rest synced)",
    registers: [registry],
  });

export const QUEUE_STATES = ["waiting", "active", "delayed", "failed"] as const;
export const REGISTRY_SYNC_RESULTS = ["ok", "failed"] as const;
/** What running a reminder job came to (services/worker/src/reminders/fire.ts). */
export const REMINDER_OUTCOMES = ["sent", "undeliverable", "skipped"] as const;

/** How an update from Telegram was taken in: recorded in the inbox, already there, or not recordable. */
export const INTAKE_OUTCOMES = ["new", "duplicate", "unrecorded"] as const;

/**
 * `queueCounts` and `oldestUnhandledSeconds` are read at every scrape; when one fails the last known
 * values stay.
 */
export function createGatewayMetrics(
  queueCounts: () => Promise<Record<string, number>>,
  oldestUnhandledSeconds: () => Promise<number>,
) {
  const registry = createRegistry("gateway");
  const recorded = countedBy(
    registry,
    "intake_updates_recorded_total",
    "Updates taken from Telegram, by outcome: new (recorded), duplicate (a re-delivery of one recorded before), unrecorded (PostgreSQL down: handled before being confirmed)",
    "outcome",
    INTAKE_OUTCOMES,
  );
  const registrySync = countedBy(
    registry,
    "registry_sync_total",
    "Syncs of the model registry with OpenRouter's model list by /models_sync, by result (ok, failed)",
    "result",
    REGISTRY_SYNC_RESULTS,
  );
  return {
    registry,
    registryEntriesSkipped: registryEntriesSkipped(registry),
    updates: new Counter({
      name: "bot_updates_total",
      help: "Updates handled, by command",
      labelNames: ["command"] as const,
      registers: [registry],
    }),
    commandDuration: new Histogram({
      name: "bot_command_duration_seconds",
      help: "Time to handle an update, by command",
      labelNames: ["command"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    askEnqueued: new Counter({
      name: "ask_jobs_enqueued_total",
      help: "Ask jobs added to the queue",
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: "ask_queue_jobs",
      help: "Jobs in the ask queue, by state (refreshed at every scrape)",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        try {
          const counts = await queueCounts();
          for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
        } catch {
          // Redis is down: /readyz says so; the gauge keeps its last values.
        }
      },
    }),
    telegramErrors: telegramErrors(registry),
    telegramBudget: telegramBudget(registry),
    floodGivenUp: new Counter({
      name: "telegram_flood_waits_given_up_total",
      help: "Bot API calls given up on a 429 whose retry_after was longer than the gateway waits (or retried too often)",
      labelNames: ["method"] as const,
      registers: [registry],
    }),
    registrySync,
    intake: {
      recorded,
      handled: new Counter({
        name: "intake_updates_handled_total",
        help: "Updates whose handler finished and that were marked handled in the inbox",
        registers: [registry],
      }),
      rehandled: new Counter({
        name: "intake_updates_rehandled_total",
        help: "Updates handled again: left unhandled by a gateway that died (or could not mark them) and taken over",
        registers: [registry],
      }),
      refused: new Counter({
        name: "intake_updates_refused_total",
        help: "Updates skipped because their chat already had the most updates waiting (one chat's burst)",
        registers: [registry],
      }),
      abandoned: new Counter({
        name: "intake_updates_abandoned_total",
        help: "Updates given up after their handling was started too many times without finishing",
        registers: [registry],
      }),
      oldestUnhandled: new Gauge({
        name: "intake_oldest_unhandled_seconds",
        help: "Age of the oldest update recorded and not yet handled; 0 when there is none (refreshed at every scrape)",
        registers: [registry],
        async collect() {
          try {
            this.set(await oldestUnhandledSeconds());
          } catch {
            // PostgreSQL is down: /readyz says so; the gauge keeps its last value.
          }
        },
      }),
    },
    notes: {
      retrievalSeconds: new Histogram({
        name: "notes_retrieval_duration_seconds",
        help: "Time to find the notes relevant to an /ask_notes question",
        buckets: [0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1],
        registers: [registry],
      }),
      notesFound: new Histogram({
        name: "notes_retrieved",
        help: "Notes found (and sent to the model) per /ask_notes question; 0: answered without the model",
        buckets: [0, 1, 2, 3, 5, 8, 10],
        registers: [registry],
      }),
      digests: new Counter({
        name: "notes_digests_total",
        help: "Digests of notes put on the queue (/note_digest)",
        registers: [registry],
      }),
    },
  };
}

/** `unavailableModels` is read at every scrape (the registry's models marked unavailable); when it fails the last value stays. */
export function createWorkerMetrics(unavailableModels: () => Promise<number> = async () => 0) {
  const registry = createRegistry("worker");
  // Both results exported from the start (a daily job would leave them missing for a day).
  const registrySync = countedBy(
    registry,
    "registry_sync_total",
    "Syncs of the model registry with OpenRouter's model list, by result (ok, failed)",
    "result",
    REGISTRY_SYNC_RESULTS,
  );
  const remindersFired = countedBy(
    registry,
    "reminders_fired_total",
    "Reminder jobs run, by outcome (sent; undeliverable: Telegram refused the chat; skipped: not pending at the job's version)",
    "outcome",
    REMINDER_OUTCOMES,
  );
  return {
    registry,
    askDuration: new Histogram({
      name: "ask_duration_seconds",
      help: "From enqueue to the answer (or the final error, or the cancellation) posted, by model and outcome",
      labelNames: ["model", "outcome"] as const,
      buckets: LLM_BUCKETS,
      registers: [registry],
    }),
    openrouterRequests: new Counter({
      name: "openrouter_requests_total",
      help: "OpenRouter requests, by model and HTTP status (or timeout, network, breaker_open, aborted: a cancel, shutdown or deadline of ours)",
      labelNames: ["model", "status"] as const,
      registers: [registry],
    }),
    openrouterDuration: new Histogram({
      name: "openrouter_request_duration_seconds",
      help: "Duration of OpenRouter requests, by model",
      labelNames: ["model"] as const,
      buckets: LLM_BUCKETS,
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: "ask_fallbacks_total",
      help: "Asks answered by a fallback model after the active one failed, by the model that answered",
      labelNames: ["model"] as const,
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: "openrouter_breaker_state",
      help: "Circuit breaker per model: 0 closed, 1 half-open, 2 open",
      labelNames: ["model"] as const,
      registers: [registry],
    }),
    tokens: new Counter({
      name: "openrouter_tokens_total",
      help: "Tokens OpenRouter reported for answered requests, by model and kind (prompt, completion)",
      labelNames: ["model", "kind"] as const,
      registers: [registry],
    }),
    dailyCap: new Counter({
      name: "ask_daily_cap_total",
      help: "Asks refused because OpenRouter's free daily cap of requests was used up",
      registers: [registry],
    }),
    registrySync,
    registryEntriesSkipped: registryEntriesSkipped(registry),
    remindersFired,
    modelsUnavailable: new Gauge({
      name: "registry_models_unavailable",
      help: "Registry models marked unavailable (gone from OpenRouter or no longer free), read at every scrape",
      registers: [registry],
      async collect() {
        try {
          this.set(await unavailableModels());
        } catch {
          // PostgreSQL is down: /readyz says so; the gauge keeps its last value.
        }
      },
    }),
    telegramErrors: telegramErrors(registry),
    telegramBudget: telegramBudget(registry),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
