import type { Db } from "@notesbot/shared/db";
import type { Logger } from "@notesbot/shared/logging";
import type { REGISTRY_SYNC_RESULTS } from "@notesbot/shared/metrics";
import { type CatalogSource, syncWithOpenRouter } from "@notesbot/shared/registry";
import type { AdminNotice } from "./admins.js";

/**
 * The daily registry sync as the worker runs it: OpenRouter's list compared with the registry (the
 * shared syncWithOpenRouter, which `/models_sync` runs too), the result logged and counted, and the
 * admins told in their language when the active model went. A list that could not be read changes
 * nothing; neither does a PostgreSQL failure (the transaction rolls back). Either is counted as
 * "failed" and the next day's run tries again.
 */
export function createRegistrySync(deps: RegistrySyncDeps) {
  const { db, logger } = deps;

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
    const { report, skipped } = result;
    if (skipped.length > 0) {
      deps.countSkipped(skipped.length);
      logger.warn(
        { skipped: skipped.length, ids: skipped.slice(0, 20) },
        "model list entries skipped: unreadable",
      );
    }
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
    const lost = report.activeLost;
    if (lost)
      await deps.tellAdmins((texts) => texts.registry.activeLost(lost.key, lost.label), { model: lost.key });
  };
}

export interface RegistrySyncDeps {
  db: Db;
  /** OpenRouter's `GET /models`. */
  source: CatalogSource;
  /** Tells the admins when the active model went. */
  tellAdmins: AdminNotice;
  logger: Logger;
  /** registry_sync_total{result}. */
  count: (result: (typeof REGISTRY_SYNC_RESULTS)[number]) => void;
  /** registry_entries_skipped_total: entries of the list that could not be read. */
  countSkipped: (entries: number) => void;
}
