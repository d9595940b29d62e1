import { Redis } from "ioredis";

/**
 * For producers in request paths (the gateway): commands fail at once while Redis is down instead of
 * queueing in memory, so the user hears "unavailable" within seconds and nothing piles up.
 */
export function createProducerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}

/** For workers: BullMQ's blocking commands need unlimited retries; reconnects go on forever. */
export function createWorkerConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}
