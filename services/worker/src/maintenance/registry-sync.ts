import type { Db } from "@notesbot/shared/db";
import type { Logger } from "@notesbot/shared/logging";
import type { REGISTRY_SYNC_RESULTS } from "@notesbot/shared/metrics";
import { type CatalogSource, syncWithOpenRouter } from "@notesbot/shared/registry";
import { isLocale, type Localizer } from "@notesbot/shared/texts";
import type { Api } from "grammy";
import { telegramErrorFields } from "../ask/telegram.js";

/**
 * The daily registry sync as the worker runs it: OpenRouter's list compared with the registry (the
 * shared syncWithOpenRouter, which `/models_sync` runs too), the result logged and counted, and the
 * admins told in their language when the active model went. A list that could not be read changes
 * nothing; neither does a PostgreSQL failure (the transaction rolls back). Either is counted as
 * "failed" and the next day's run tries again.
 */
export function createRegistrySync(deps: RegistrySyncDeps) {
  const { db, logger } = deps;

  /** The admins' chosen languages (user_settings, written by the gateway's /lang); Russian otherwise. */
  const localesOf = async (userIds: number[]) => {
    const { rows } = await db
      .query<{ user_id: string; locale: string | null }>(
        "SELECT user_id, locale FROM user_settings WHERE user_id = ANY($1::bigint[])",
        [userIds],
      )
      .catch(() => ({ rows: [] }));
    return new Map(
      rows.map((r) => [Number(r.user_id), r.locale !== null && isLocale(r.locale) ? r.locale : "ru"]),
    );
  };

  const tellAdmins = async (model: { key: string; label: string }) => {
    const admins = [...deps.adminUserIds];
    if (admins.length === 0) {
      logger.warn({ model: model.key }, "active model unavailable; no ADMIN_USER_IDS to tell");
      return;
    }
    const locales = await localesOf(admins);
    for (const adminId of admins) {
      const text = deps.localizer
        .of(locales.get(adminId) ?? "ru")
        .registry.activeLost(model.key, model.label);
      await deps.api.sendMessage(adminId, text).then(
        () => logger.info({ adminId, model: model.key }, "admin told the active model is unavailable"),
        (error: unknown) =>
          logger.warn({ adminId, ...telegramErrorFields(error) }, "could not tell an admin"),
      );
    }
  };

  return async function sync(): Promise<void> {
    let result: Awaited<ReturnType<typeof syncWithOpenRouter>>;
    try {
      result = await syncWithOpenRouter(db, deps.source);
    } catch (error) {
      deps.count("failed");
      logger.warn(
        { reason: "database", code: (error as { code?: string }).code },
        "registry sync failed; nothing changed",
      );
      return;
    }
    if (!result.ok) {
      deps.count("failed");
      const status = result.reason === "status" ? { status: result.status } : {};
      logger.warn({ reason: result.reason, ...status }, "registry sync failed; nothing changed");
      return;
    }
    deps.count("ok");
    const { report } = result;
    logger.info(
      {
        total: report.total,
        available: report.available,
        madeUnavailable: report.madeUnavailable.map((m) => m.key),
        madeAvailable: report.madeAvailable.map((m) => m.key),
        newFree: report.newFree.length,
      },
      "registry synced",
    );
    if (report.activeLost) await tellAdmins(report.activeLost);
  };
}

export interface RegistrySyncDeps {
  db: Db;
  /** OpenRouter's `GET /models`. */
  source: CatalogSource;
  api: Api;
  adminUserIds: ReadonlySet<number>;
  localizer: Localizer;
  logger: Logger;
  /** registry_sync_total{result}. */
  count: (result: (typeof REGISTRY_SYNC_RESULTS)[number]) => void;
}
