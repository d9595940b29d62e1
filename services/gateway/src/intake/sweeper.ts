/**
 * Keeps the inbox moving: at start-up hands the bot what a previous gateway left unhandled, and then,
 * every `intervalMs`, renews the leases of the updates in flight, takes over unhandled updates whose
 * lease ran out (their gateway died, or could not mark them handled), gives up on those tried too
 * often, and deletes old handled rows.
 */
import type { Logger } from "@notesbot/shared/logging";
import type { GatewayMetrics } from "@notesbot/shared/metrics";
import type { Dispatcher } from "./dispatcher.js";
import type { Inbox } from "./inbox.js";

/** Rows claimed per query: bounds one sweep's work and memory. */
const CLAIM_BATCH = 500;

export function createSweeper({ inbox, dispatcher, metrics, logger, intervalMs }: SweeperDeps) {
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let stopped = false;

  /** Claims and hands over batches until none is left; resolves once all are handed over (not handled). */
  async function takeOver(takeOverLive: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await inbox.claim(CLAIM_BATCH, { takeOver: takeOverLive });
      total += claimed.length;
      for (const { update, results } of claimed) void dispatcher.dispatch(update, { results, again: true });
      if (claimed.length < CLAIM_BATCH || stopped) return total;
    }
  }

  async function sweep(): Promise<void> {
    const steps: [string, () => Promise<unknown>][] = [
      ["renew leases", () => inbox.renew(dispatcher.inFlightIds())],
      [
        "abandon",
        async () => {
          const abandoned = await inbox.abandon();
          if (abandoned.length === 0) return;
          metrics.intake.abandoned.inc(abandoned.length);
          logger.error({ updateIds: abandoned }, "updates given up after too many attempts");
        },
      ],
      [
        "take over",
        async () => {
          const count = await takeOver(false);
          if (count > 0) logger.info({ count }, "took over unhandled updates");
        },
      ],
      ["purge", () => inbox.purge()],
    ];
    for (const [step, run] of steps) {
      if (stopped) return;
      try {
        await run();
      } catch (error) {
        logger.warn({ err: error, step }, "inbox sweep step failed");
      }
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      sweeping = sweep().finally(() => {
        sweeping = undefined;
        schedule();
      });
    }, intervalMs);
  };

  return {
    /**
     * Hands over every unhandled update, oldest first, including those a previous gateway still holds
     * (`takeOverLive`: polling, where only one gateway can run); then starts the periodic sweep.
     * Resolves once they are handed over, so updates taken in afterwards queue behind them per chat.
     */
    async start({ takeOverLive }: { takeOverLive: boolean }): Promise<void> {
      try {
        const count = await takeOver(takeOverLive);
        if (count > 0) logger.info({ count }, "handling updates left unhandled before the start");
      } catch (error) {
        logger.warn({ err: error }, "could not read the inbox at start-up; the sweep retries");
      }
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await sweeping;
    },
  };
}

export interface SweeperDeps {
  inbox: Inbox;
  dispatcher: Dispatcher;
  metrics: GatewayMetrics;
  logger: Logger;
  intervalMs: number;
}
