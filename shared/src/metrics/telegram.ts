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
