/**
 * Compares the model registry with OpenRouter's list and marks what changed, in one transaction: a
 * registry model that is gone or no longer free becomes unavailable (never deleted: ids never change),
 * one that is back and free again becomes available, and every listed one gets its context length.
 * New free models are only reported: an admin adds one with `/model_add`.
 */
import { type Db, inTransaction } from "../db/index.js";
import type { ModelView } from "../domain/index.js";
import type { CatalogModel } from "./catalog.js";

export interface SyncReport {
  /** Registry models the list had no free entry for, marked unavailable by this sync. */
  madeUnavailable: ModelView[];
  /** Registry models listed free again, available again. */
  madeAvailable: ModelView[];
  /** Free models of the list that the registry does not have. */
  newFree: CatalogModel[];
  /** The active model, when this sync made it unavailable (the admins are told; asks fall back). */
  activeLost: ModelView | undefined;
  /** Registry models in all, and how many are available now. */
  total: number;
  available: number;
}

/** A registry row as a `ModelView`: every reader of the `models` table selects these. */
export const MODEL_COLUMNS = 'id, key, label, active, available, context_length AS "contextLength"';

export async function syncRegistry(db: Db, catalog: readonly CatalogModel[]): Promise<SyncReport> {
  const listed = new Map(catalog.map((m) => [m.key, m]));
  return inTransaction(db, async (client) => {
    // Serialised with model switches (which take the same lock), so a switch never activates a model
    // this sync is marking unavailable.
    await client.query("LOCK TABLE models IN EXCLUSIVE MODE");
    const { rows } = await client.query<ModelView>(`SELECT ${MODEL_COLUMNS} FROM models ORDER BY id`);
    const madeUnavailable: ModelView[] = [];
    const madeAvailable: ModelView[] = [];
    for (const model of rows) {
      const entry = listed.get(model.key);
      const available = entry?.free === true;
      const contextLength = entry?.contextLength ?? model.contextLength;
      // The modalities as listed now; a model no longer listed keeps what was last known.
      await client.query(
        `UPDATE models SET available = $2, context_length = $3, checked_at = now(),
                input_modalities = COALESCE($4, input_modalities) WHERE id = $1`,
        [model.id, available, contextLength, entry?.inputModalities ?? null],
      );
      if (model.available && !available) madeUnavailable.push({ ...model, available, contextLength });
      if (!model.available && available) madeAvailable.push({ ...model, available, contextLength });
    }
    const known = new Set(rows.map((m) => m.key));
    return {
      madeUnavailable,
      madeAvailable,
      newFree: catalog.filter((m) => m.free && !known.has(m.key)),
      activeLost: madeUnavailable.find((m) => m.active),
      total: rows.length,
      available: rows.length - rows.filter((m) => !listed.get(m.key)?.free).length,
    };
  });
}
