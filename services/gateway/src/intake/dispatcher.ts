/**
 * Hands updates to the bot and marks them handled in the inbox once their handler finished, for every
 * way an update arrives (a poll, a webhook POST, a claim after a restart or from a dead gateway). Keeps
 * the set of updates in flight, for lease renewal and for a shutdown that drains. Handling goes through
 * per-chat lanes (lanes.ts): a bounded number of handlers at once, and a chat with too many updates
 * waiting has the excess refused (marked handled, counted, and told once per burst by `onRefused`).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@notesbot/shared/logging";
import type { GatewayMetrics } from "@notesbot/shared/metrics";
import type { Bot, BotError } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../context.js";
import type { Effects } from "./effects.js";
import { chatIdOf, type Inbox, type Results } from "./inbox.js";
import type { Lanes } from "./lanes.js";
import { INTAKE } from "./limits.js";

export function createDispatcher(deps: DispatcherDeps) {
  const { bot, inbox, effects, metrics, logger, lanes, onRefused } = deps;
  const inFlight = new Set<number>();
  const idleWaiters: (() => void)[] = [];

  /**
   * Handles `update`; resolves once its handler finished (the runner's concurrency counts handlers,
   * as before); never rejects. The handled mark is written after, the update staying in flight until
   * then. `results` is what the inbox holds for it (`{}` for an update just recorded; undefined when
   * unknown); `again` says it was handled before (a claim of an unhandled row); `fleeting`, that it
   * was never recorded (fleeting.ts).
   */
  async function dispatch(
    update: Update,
    { results, again, fleeting = false }: { results?: Results; again: boolean; fleeting?: boolean },
  ) {
    const updateId = update.update_id;
    if (inFlight.has(updateId)) return;
    inFlight.add(updateId);
    const chatId = chatIdOf(update);
    const turn =
      deps.orderAcrossGateways && chatId !== undefined ? () => turnOf(chatId, updateId) : undefined;
    const lane = lanes.run(chatId, () => handle(update, results, again), turn);
    if (lane.refused) {
      metrics.intake.refused.inc();
      logger.warn({ updateId, chatId }, "update refused: its chat has too many updates waiting");
      if (lane.first) onRefused(update);
    } else {
      await lane.done;
    }
    void markHandled(updateId, again, fleeting);
  }

  /**
   * Waits while another gateway handles an earlier update of the chat (two gateways behind one webhook:
   * a chat's /ask and the /cancel after it are handled in Telegram's order), at most one lease long;
   * PostgreSQL failing is not a reason to wait.
   */
  async function turnOf(chatId: number, updateId: number): Promise<void> {
    const until = Date.now() + INTAKE.leaseMs;
    let told = false;
    while (Date.now() < until && (await inbox.earlierElsewhere(chatId, updateId).catch(() => false))) {
      if (!told)
        logger.info({ updateId, chatId }, "waiting for an earlier update of the chat on another gateway");
      told = true;
      await sleep(INTAKE.turnPollMs);
    }
  }

  async function handle(update: Update, results: Results | undefined, again: boolean): Promise<void> {
    if (results !== undefined) effects.prime(update, results, { first: !again });
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      try {
        await bot.errorHandler(error as BotError<BotContext>);
      } catch (failure) {
        logger.error({ err: failure, updateId: update.update_id }, "update handling failed");
      }
    }
  }

  async function markHandled(updateId: number, again: boolean, fleeting: boolean): Promise<void> {
    try {
      // A fleeting update (an inline query, see fleeting.ts) has no row to mark.
      if (!fleeting) await inbox.markHandled(updateId);
      metrics.intake.handled.inc();
      if (again) metrics.intake.rehandled.inc();
    } catch (error) {
      // It stays unhandled: once its lease runs out, the sweep handles it again (effects once, reply again).
      logger.warn({ err: error, updateId }, "could not mark an update handled");
    } finally {
      inFlight.delete(updateId);
      if (inFlight.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    }
  }

  return {
    dispatch,
    /** Ids being handled right now (their leases are renewed). */
    inFlightIds: (): number[] => [...inFlight],
    /** Resolves once nothing is being handled or waiting for its handled mark. */
    idle(): Promise<void> {
      if (inFlight.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

export interface DispatcherDeps {
  bot: Bot<BotContext>;
  inbox: Inbox;
  effects: Effects;
  metrics: GatewayMetrics;
  logger: Logger;
  lanes: Lanes;
  /** Webhook mode, where other gateways may take the same chat's updates: each waits for its turn. */
  orderAcrossGateways: boolean;
  /** Tells a chat (once per burst) that its updates beyond the lane's bound were skipped; never throws. */
  onRefused: (update: Update) => void;
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
