/**
 * Marks one registry model unavailable at once, when OpenRouter answered an ask that the model does
 * not exist or has no endpoint, instead of waiting for the next daily sync. A later sync (or
 * `/models_sync`) makes it available again if OpenRouter lists it free again.
 */
import { type Db, inTransaction } from "../db/index.js";
import type { ModelView } from "../domain/index.js";
import { MODEL_COLUMNS } from "./sync.js";

/** The model as it was, when this call made it unavailable; undefined when unknown or unavailable already. */
export async function markModelGone(db: Db, key: string): Promise<ModelView | undefined> {
  return inTransaction(db, async (client) => {
    // The lock of syncs and switches: a switch never activates a model this is marking unavailable.
    await client.query("LOCK TABLE models IN EXCLUSIVE MODE");
    const { rows } = await client.query<ModelView>(
      `UPDATE models SET available = false, checked_at = now() WHERE key = $1 AND available
       RETURNING ${MODEL_COLUMNS}`,
      [key],
    );
    return rows[0];
  });
}
