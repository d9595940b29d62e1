/**
 * Long polling through @grammyjs/runner, with a source that records each batch in the inbox before
 * handing it on. Telegram learns that a batch arrived from the offset of the next getUpdates, which
 * the runner sends only after the supplier returned, so only recorded updates are ever confirmed.
 */
import { createConcurrentSink, createRunner, createSource, createUpdateFetcher } from "@grammyjs/runner";
import type { Logger } from "@notesbot/shared/logging";
import type { GatewayMetrics } from "@notesbot/shared/metrics";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../context.js";
import type { Dispatcher } from "./dispatcher.js";
import { isFleeting } from "./fleeting.js";
import type { Inbox } from "./inbox.js";

export function startPolling({ bot, inbox, dispatcher, metrics, logger, allowedUpdates }: PollingDeps) {
  const fetchUpdates = createUpdateFetcher(bot, { fetch: { allowed_updates: allowedUpdates } });
  /** The newest update taken in (recorded, or handled when it could not be recorded). */
  let lastTaken: number | undefined;

  const source = createSource<Update>({
    async supply(batchSize, signal) {
      const updates = await fetchUpdates(batchSize, signal);
      if (updates.length === 0) return [];
      const fresh = await takeIn(updates);
      lastTaken = updates.at(-1)?.update_id;
      return fresh;
    },
  });

  /** The updates to hand to the sink: those newly recorded; the rest were or are being handled. */
  async function takeIn(all: Update[]): Promise<Update[]> {
    // Inline queries are answered at once and never recorded (fleeting.ts).
    for (const update of all.filter(isFleeting))
      void dispatcher.dispatch(update, { again: false, fleeting: true });
    const updates = all.filter((update) => !isFleeting(update));
    if (updates.length === 0) return [];
    let recorded: Set<number>;
    try {
      recorded = await inbox.record(updates);
    } catch (error) {
      // PostgreSQL cannot record them: handle them here, before the next poll confirms them, so each
      // is answered (most with "storage unavailable") rather than lost.
      logger.warn({ err: error, count: updates.length }, "could not record updates; handling them first");
      metrics.intake.recorded.inc({ outcome: "unrecorded" }, updates.length);
      await Promise.all(updates.map((update) => dispatcher.dispatch(update, { again: false })));
      return [];
    }
    metrics.intake.recorded.inc({ outcome: "new" }, recorded.size);
    metrics.intake.recorded.inc({ outcome: "duplicate" }, updates.length - recorded.size);
    return updates.filter((u) => recorded.has(u.update_id));
  }

  const sink = createConcurrentSink<Update>(
    { consume: (update) => dispatcher.dispatch(update, { results: {}, again: false }) },
    async (error) => logger.error({ err: error }, "update sink failed"),
  );
  const runner = createRunner(source, sink);
  runner.start();

  return {
    /** Stops fetching, waits for the handlers in flight, then confirms what was taken in. */
    async stop(): Promise<void> {
      await runner.stop();
      await dispatcher.idle();
      if (lastTaken !== undefined) await bot.api.getUpdates({ offset: lastTaken + 1, limit: 1, timeout: 0 });
    },
  };
}

export interface PollingDeps {
  bot: Bot<BotContext>;
  inbox: Inbox;
  dispatcher: Dispatcher;
  metrics: GatewayMetrics;
  logger: Logger;
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, "update_id">>;
}
