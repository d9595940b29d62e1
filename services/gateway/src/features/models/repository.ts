import type { Db } from "@notesbot/shared/db";
import type { ModelView } from "@notesbot/shared/texts";
import type pg from "pg";

const COLUMNS = "id, key, label, active";

export function createModelsRepository(db: Db, configured?: readonly string[]) {
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
      const { rows } = await db.query<ModelView>(`SELECT ${COLUMNS} FROM models WHERE active`);
      return rows[0];
    },

    /** Keys to fall back to from `activeKey`: FALLBACK_MODELS when set, else the registry's marked ones. */
    async fallbackKeys(activeKey: string): Promise<string[]> {
      if (configured !== undefined) return configured.filter((key) => key !== activeKey);
      const { rows } = await db.query<{ key: string }>(
        "SELECT key FROM models WHERE fallback AND key <> $1 ORDER BY id",
        [activeKey],
      );
      return rows.map((r) => r.key);
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
