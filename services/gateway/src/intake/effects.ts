/**
 * Effects done once per update, however often the update is handled: the context flavor the features
 * use (`ctx.once` and `ctx.onceStatement` for PostgreSQL effects, `ctx.remembered` for effects elsewhere, such as a message
 * sent), backed by the update's inbox row. Replies stay outside: they are sent again on every handling.
 */
import type { Logger } from "@notesbot/shared/logging";
import type { Context, MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import type pg from "pg";
import type { Inbox, Json, OnceStatement, Results } from "./inbox.js";

export function createEffects(inbox: Inbox, logger: Logger) {
  /** Outcomes already known for an update being handled (from its claim), so no query is needed. */
  const known = new WeakMap<Update, Results>();
  /** Updates recorded just now and handled for the first time. */
  const firsts = new WeakSet<Update>();

  const middleware: MiddlewareFn<Context & EffectsFlavor> = (ctx, next) => {
    const update = ctx.update;
    ctx.firstHandling = firsts.has(update);
    ctx.once = (step, effect) => inbox.once(update, step, effect);
    ctx.onceStatement = (step, effect) => inbox.onceStatement(update, step, effect);
    ctx.remembered = async <T extends Json>(step: string, effect: () => Promise<T>): Promise<T> => {
      let results = known.get(update);
      if (results === undefined) {
        results = (await inbox.results(update.update_id)) ?? {};
        known.set(update, results);
      }
      if (step in results) return results[step] as T;
      const value = await effect();
      results[step] = value;
      // Written while the handler goes on (for an ask: while its job is added; either one landing is
      // enough for a second handling not to send a second placeholder). If it fails, the effect still
      // happened; only a later handling would repeat it.
      inbox.remember(update.update_id, step, value).catch((error: unknown) => {
        logger.warn({ err: error, updateId: update.update_id, step }, "could not record an effect's outcome");
      });
      return value;
    };
    return next();
  };

  return {
    middleware,
    /**
     * Tells the middleware what the inbox holds for `update` before it is handled, and whether this
     * is its first handling (recorded just now, so nothing a handling does can exist yet).
     */
    prime(update: Update, results: Results, { first }: { first: boolean }): void {
      known.set(update, { ...results });
      if (first) firsts.add(update);
    },
  };
}

export interface EffectsFlavor {
  /**
   * True when this gateway recorded the update just now and handles it for the first time: no effect
   * of it (a job, a message) can exist yet, so there is nothing to look for. False when unsure.
   */
  firstHandling: boolean;
  /**
   * Runs `effect` (on the transaction it is given) and marks it done for this update in the same
   * transaction. When the update is handled again, the effect is skipped and its stored outcome
   * returned, so the reply built from it is the same. The outcome must be JSON (ids as strings).
   */
  once<T extends Json>(step: string, effect: (tx: pg.PoolClient) => Promise<T>): Promise<T>;
  /**
   * As `once`, for an effect that is one SQL statement (see OnceStatement): the effect and its mark in
   * one round trip instead of four. Resolves with the outcome its `RETURNING` gave (null: no row).
   */
  onceStatement(step: string, effect: OnceStatement): Promise<Json>;
  /**
   * Runs an effect outside PostgreSQL (sending a message) unless this update already did, and
   * records its outcome right after (without waiting for the write), so a second handling reuses it
   * (e.g. the same placeholder).
   */
  remembered<T extends Json>(step: string, effect: () => Promise<T>): Promise<T>;
}

export type Effects = ReturnType<typeof createEffects>;
