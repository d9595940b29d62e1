import type { Db } from "@notesbot/shared/db";
import type { ModelView } from "@notesbot/shared/texts";
import type pg from "pg";

const COLUMNS = "id, key, label, active";
/** How long the active model and its fallbacks are reused: one query a second under load, not two per ask. */
const ACTIVE_CACHE_MS = 1_000;

export function createModelsRepository(db: Db, configured?: readonly string[]) {
  // The active model and its fallbacks as last read, dropped when this process switches the model (a
  // switch by another gateway shows within ACTIVE_CACHE_MS). Only answers are kept, never failures.
  let cache: { until: number; active: ModelView | undefined; fallbacks: Map<string, string[]> } | undefined;
  const fresh = () => {
    if (cache !== undefined && Date.now() < cache.until) return cache;
    cache = undefined;
    return undefined;
  };
  const cached = () => {
    cache = fresh() ?? { until: Date.now() + ACTIVE_CACHE_MS, active: undefined, fallbacks: new Map() };
    return cache;
  };

  return {
    async list(): Promise<ModelView[]> {
      const { rows } = await db.query<ModelView>(`SELECT ${COLUMNS} FROM models ORDER BY id`);
      return rows;
    },

    async byId(id: number): Promise<ModelView | undefined> {
      const { rows } = await db.query<ModelView>(`SELECT ${COLUMNS} FROM models WHERE id = $1`, [id]);
      return rows[0];
    },

    async active(): Promise<ModelView | undefined> {
      const known = fresh();
      if (known?.active !== undefined) return known.active;
      const { rows } = await db.query<ModelView>(`SELECT ${COLUMNS} FROM models WHERE active`);
      if (rows[0] !== undefined) cached().active = rows[0];
      return rows[0];
    },

    /** Keys to fall back to from `activeKey`: FALLBACK_MODELS when set, else the registry's marked ones. */
    async fallbackKeys(activeKey: string): Promise<string[]> {
      if (configured !== undefined) return configured.filter((key) => key !== activeKey);
      const known = fresh()?.fallbacks.get(activeKey);
      if (known !== undefined) return known;
      const { rows } = await db.query<{ key: string }>(
        "SELECT key FROM models WHERE fallback AND key <> $1 ORDER BY id",
        [activeKey],
      );
      const keys = rows.map((r) => r.key);
      cached().fallbacks.set(activeKey, keys);
      return keys;
    },

    /** Drops the cached active model and fallbacks: call once a switch is committed. */
    forgetActive(): void {
      cache = undefined;
    },

    /**
     * Makes model `id` the active one; returns it, or undefined (nothing changed) when there is no such model.
     * The EXCLUSIVE lock serialises switches while plain reads go on; deactivating before activating means
     * the unique partial index never sees two active rows, and readers see the old or the new state only.
     * Runs in the caller's transaction `tx` (the lock holds until it ends).
     */
    async activate(id: number, tx: pg.PoolClient): Promise<ModelView | undefined> {
      await tx.query("LOCK TABLE models IN EXCLUSIVE MODE");
      const { rows } = await tx.query<ModelView>(`SELECT ${COLUMNS} FROM models WHERE id = $1`, [id]);
      const model = rows[0];
      if (model === undefined) return undefined;
      await tx.query("UPDATE models SET active = false WHERE active AND id <> $1", [id]);
      await tx.query("UPDATE models SET active = true WHERE id = $1 AND NOT active", [id]);
      return { ...model, active: true };
    },
  };
}

export type ModelsRepository = ReturnType<typeof createModelsRepository>;
