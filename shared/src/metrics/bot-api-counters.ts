// Counters of Telegram Bot API calls, as grammY API transformers: errors by method and code, flood waits given up.
import type { Transformer } from "grammy";
import type { Counter } from "prom-client";

/** A grammY API transformer that counts every Bot API call answered with an error. */
export function countTelegramErrors(counter: Counter<"method" | "code">): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) counter.inc({ method, code: String(result.error_code) });
      return result;
    } catch (error) {
      counter.inc({ method, code: "network" });
      throw error;
    }
  };
}

/**
 * Installed outside auto-retry: a call still answered 429 was given up (its retry_after over the cap,
 * or retried too often); counted by method, and told to `onGiveUp` (for the log).
 */
export function countFloodGiveUps(
  counter: Counter<"method">,
  onGiveUp: (method: string, retryAfter: number | undefined) => void,
): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (!result.ok && result.error_code === 429) {
      counter.inc({ method });
      onGiveUp(method, result.parameters?.retry_after);
    }
    return result;
  };
}
