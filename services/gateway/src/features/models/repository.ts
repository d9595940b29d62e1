/**
 * The model registry in PostgreSQL as the gateway uses it: the list, the active model, the model an
 * ask goes to (with its fallbacks), switching, and adding a model an admin picked from OpenRouter's list.
 */
import type { Db } from "@notesbot/shared/db";
import type { ModelView } from "@notesbot/shared/domain";
import { type CatalogModel, MODEL_COLUMNS } from "@notesbot/shared/registry";
import type pg from "pg";

/** How long the route of an ask to the active model is reused: one read a second under load, not two per ask. */
const ACTIVE_ROUTE_MS = 1_000;

export function createModelsRepository(db: Db, configured?: readonly string[]) {
  // The route to the active model as last read, dropped when this process switches the model or syncs the
  // registry (a change made by another process shows within ACTIVE_ROUTE_MS). Only answers are kept.
  let activeRoute: { until: number; route: AskRoute } | undefined;
  /**
   * Models to fall back to from `activeKey`, available ones only: FALLBACK_MODELS when set (those the
   * registry knows as unavailable left out; keys it does not know kept, the operator named them), else
   * the registry's marked ones, in id order.
   */
  const fallbacks = async (activeKey: string): Promise<{ key: string; contextLength: number | null }[]> => {
    if (configured !== undefined) {
      const keys = configured.filter((key) => key !== activeKey);
      if (keys.length === 0) return [];
      const { rows } = await db.query<{ key: string; available: boolean; contextLength: number | null }>(
        'SELECT key, available, context_length AS "contextLength" FROM models WHERE key = ANY($1)',
        [keys],
      );
      const known = new Map(rows.map((r) => [r.key, r]));
      return keys
        .filter((key) => known.get(key)?.available !== false)
        .map((key) => ({ key, contextLength: known.get(key)?.contextLength ?? null }));
    }
    const { rows } = await db.query<{ key: string; contextLength: number | null }>(
      `SELECT key, context_length AS "contextLength" FROM models
        WHERE fallback AND available AND key <> $1 ORDER BY id`,
      [activeKey],
    );
    return rows;
  };

  const active = async (): Promise<ModelView | undefined> => {
    const { rows } = await db.query<ModelView>(`SELECT ${MODEL_COLUMNS} FROM models WHERE active`);
    return rows[0];
  };
  const routeOf = async (model?: ModelView): Promise<AskRoute> => {
    const wanted = model ?? (await active());
    if (wanted === undefined) return { ok: false, reason: "no_active" };
    const others = await fallbacks(wanted.key);
    const [first, ...rest] = wanted.available ? [wanted, ...others] : others;
    if (first === undefined) return { ok: false, reason: "unavailable", model: wanted };
    return {
      ok: true,
      modelKey: first.key,
      fallbackModelKeys: rest.map((f) => f.key),
      contextLength: first.contextLength ?? undefined,
    };
  };

  /**
   * Where an ask goes: `model` (default: the active one) when it is available, else the first
   * available fallback; the other available fallbacks follow it, and the job gets the chosen model's
   * context length when the registry knows it.
   */
  const route = async (model?: ModelView): Promise<AskRoute> => {
    if (model === undefined && activeRoute !== undefined && Date.now() < activeRoute.until) {
      return activeRoute.route;
    }
    const found = await routeOf(model);
    if (model === undefined) activeRoute = { until: Date.now() + ACTIVE_ROUTE_MS, route: found };
    return found;
  };

  return {
    async list(): Promise<ModelView[]> {
      const { rows } = await db.query<ModelView>(`SELECT ${MODEL_COLUMNS} FROM models ORDER BY id`);
      return rows;
    },

    async byId(id: number): Promise<ModelView | undefined> {
      const { rows } = await db.query<ModelView>(`SELECT ${MODEL_COLUMNS} FROM models WHERE id = $1`, [id]);
      return rows[0];
    },

    active,

    route,

    /**
     * Where an ask of a user whose own model is `own` (available) goes: to it, then to where an ask to
     * the default would go (the active model or its first available fallback, and the others after it).
     */
    async routeOwn(own: ModelView): Promise<AskRoute> {
      const standard = await route();
      const after = standard.ok ? [standard.modelKey, ...standard.fallbackModelKeys] : [];
      return {
        ok: true,
        modelKey: own.key,
        fallbackModelKeys: after.filter((key) => key !== own.key),
        contextLength: own.contextLength ?? undefined,
      };
    },

    /** Forgets the cached route to the active model: call once a switch or a sync is committed. */
    forgetActive(): void {
      activeRoute = undefined;
    },

    /**
     * Makes model `id` the active one, unless there is no such model or it is unavailable (then nothing
     * changes). The EXCLUSIVE lock serialises switches and registry syncs (which take the same lock)
     * while plain reads go on, so a sync cannot mark the model unavailable between the check and the
     * switch; deactivating before activating means the unique partial index never sees two active rows.
     * Runs in the caller's transaction `tx` (the lock holds until it ends).
     */
    async activate(id: number, tx: pg.PoolClient): Promise<Activation> {
      await tx.query("LOCK TABLE models IN EXCLUSIVE MODE");
      const { rows } = await tx.query<ModelView>(`SELECT ${MODEL_COLUMNS} FROM models WHERE id = $1`, [id]);
      const model = rows[0];
      if (model === undefined) return { outcome: "missing" };
      if (!model.available) return { outcome: "unavailable", model };
      await tx.query("UPDATE models SET active = false WHERE active AND id <> $1", [id]);
      await tx.query("UPDATE models SET active = true WHERE id = $1 AND NOT active", [id]);
      return { outcome: "switched", model: { ...model, active: true } };
    },

    /**
     * Adds `key` from OpenRouter's list `catalog` (it must be there and free), labelled with its name;
     * never a second row for a key the registry has. Runs in the caller's transaction `tx`.
     */
    async add(key: string, catalog: readonly CatalogModel[], tx: pg.PoolClient): Promise<Addition> {
      const { rows: existing } = await tx.query<{ id: number }>("SELECT id FROM models WHERE key = $1", [
        key,
      ]);
      if (existing[0] !== undefined) return { outcome: "exists", id: existing[0].id, key };
      const entry = catalog.find((m) => m.key === key && m.free);
      if (entry === undefined) return { outcome: "not_listed", key };
      const label = entry.name.trim() === "" ? entry.key : entry.name.trim();
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO models (key, label, available, context_length, input_modalities, checked_at)
         VALUES ($1, $2, true, $3, $4, now())
         ON CONFLICT (key) DO NOTHING RETURNING id`,
        [key, label, entry.contextLength ?? null, entry.inputModalities ?? null],
      );
      const added = rows[0];
      if (added !== undefined) return { outcome: "added", id: added.id, key, label };
      // Added by a concurrent /model_add since the check above.
      const { rows: raced } = await tx.query<{ id: number }>("SELECT id FROM models WHERE key = $1", [key]);
      return { outcome: "exists", id: raced[0]?.id ?? 0, key };
    },
  };
}

export type ModelsRepository = ReturnType<typeof createModelsRepository>;

export type AskRoute =
  | { ok: true; modelKey: string; fallbackModelKeys: string[]; contextLength: number | undefined }
  | { ok: false; reason: "no_active" }
  | { ok: false; reason: "unavailable"; model: ModelView };

export type Activation = { outcome: "switched" | "unavailable"; model: ModelView } | { outcome: "missing" };

export type Addition =
  | { outcome: "added"; id: number; key: string; label: string }
  | { outcome: "exists"; id: number; key: string }
  | { outcome: "not_listed"; key: string };
