import type { Db } from "../db/index.js";
import { type CatalogResult, type CatalogSource, fetchCatalog } from "./catalog.js";
import { type SyncReport, syncRegistry } from "./sync.js";

/**
 * One sync of the registry with OpenRouter: the list fetched, then compared in one transaction. The
 * daily job (the worker) and `/models_sync` (the gateway) both run this. A list that could not be read
 * changes nothing and says why; a PostgreSQL failure is thrown.
 */
export async function syncWithOpenRouter(db: Db, source: CatalogSource): Promise<RegistrySyncResult> {
  const catalog = await fetchCatalog(source);
  if (!catalog.ok) return catalog;
  return { ok: true, report: await syncRegistry(db, catalog.models), skipped: catalog.skipped };
}

/** `skipped`: entries of the list that could not be read (see fetchCatalog). */
export type RegistrySyncResult =
  | { ok: true; report: SyncReport; skipped: string[] }
  | Exclude<CatalogResult, { ok: true }>;

/** Registry models marked unavailable now (the registry_models_unavailable gauge). */
export async function countUnavailableModels(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM models WHERE NOT available");
  return rows[0]?.n ?? 0;
}
