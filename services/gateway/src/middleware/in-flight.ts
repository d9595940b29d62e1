import type { Context, MiddlewareFn } from "grammy";

/**
 * Counts updates being handled, so shutdown can wait for them, and remembers the newest update id,
 * so shutdown can confirm it to Telegram (the runner's stop() only stops fetching).
 */
export function createInFlightTracker() {
  let inFlight = 0;
  let lastUpdateId: number | undefined;
  let onIdle: (() => void) | undefined;

  const middleware: MiddlewareFn<Context> = async (ctx, next) => {
    inFlight++;
    lastUpdateId = Math.max(lastUpdateId ?? 0, ctx.update.update_id);
    try {
      await next();
    } finally {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    }
  };

  return {
    middleware,
    get lastUpdateId() {
      return lastUpdateId;
    },
    /** Resolves once no update is being handled. */
    idle(): Promise<void> {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => {
        onIdle = () => {
          onIdle = undefined;
          resolve();
        };
      });
    },
  };
}

export type InFlightTracker = ReturnType<typeof createInFlightTracker>;
