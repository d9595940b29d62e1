import type { Redis } from "ioredis";

/**
 * Aborts running jobs when /cancel asks for it: the gateway publishes the job id, and the worker that
 * runs the job aborts its OpenRouter request at once. (The Redis flag the gateway also sets catches
 * a job that starts, or finishes its request, after the message went by.)
 */
export function createCancellations() {
  const running = new Map<string, AbortController>();
  return {
    register(jobId: string): AbortController {
      const controller = new AbortController();
      running.set(jobId, controller);
      return controller;
    },
    unregister(jobId: string): void {
      running.delete(jobId);
    },
    abort(jobId: string): void {
      running.get(jobId)?.abort(new Error("cancelled by the user"));
    },
    /** Listens on `channel` with its own connection (a subscribed connection can do nothing else). */
    async listen(subscriber: Redis, channel: string): Promise<void> {
      subscriber.on("message", (_channel: string, jobId: string) => this.abort(jobId));
      await subscriber.subscribe(channel);
    },
  };
}

export type Cancellations = ReturnType<typeof createCancellations>;
