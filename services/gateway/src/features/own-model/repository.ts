/**
 * Each user's own model (/mymodel) in PostgreSQL (`user_settings.model_id`; none: the registry's
 * active model, the bot's default), and whether they were told, once, that it became unavailable.
 */
import type { Db, Queryable } from "@notesbot/shared/db";
import type { ModelView } from "@notesbot/shared/domain";
import { MODEL_COLUMNS } from "@notesbot/shared/registry";

/** The statement reading a user's own model with its told flag (the user id as parameter `userParam`). */
export const ownModelOfUser = (userParam: string): string =>
  `SELECT ${MODEL_COLUMNS}, s.told FROM models
   JOIN (SELECT model_id, model_unavailable_told AS told FROM user_settings WHERE user_id = ${userParam}) AS s
     ON s.model_id = models.id`;

export type OwnModelRow = ModelView & { told: boolean };

/** The own model a row of `ownModelOfUser` stands for; undefined: none. */
export function ownModelOfRow(row: OwnModelRow | undefined): OwnModel | undefined {
  if (row === undefined) return undefined;
  const { told, ...model } = row;
  return { model, told };
}

export function createOwnModelRepository(db: Db) {
  return {
    /** The user's own model as the registry has it now, with whether its loss was told; undefined: none. */
    async of(userId: number): Promise<OwnModel | undefined> {
      const { rows } = await db.query<OwnModelRow>(ownModelOfUser("$1"), [userId]);
      return ownModelOfRow(rows[0]);
    },

    /** Makes model `modelId` the user's own (null: back to the default); a new choice is told anew. */
    async set(userId: number, modelId: number | null, tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO user_settings (user_id, model_id) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE
           SET model_id = EXCLUDED.model_id, model_unavailable_told = false, updated_at = now()`,
        [userId, modelId],
      );
    },

    /** Marks the loss of the user's model `modelId` as told; true only the first time. */
    async tellUnavailableOnce(userId: number, modelId: number, tx: Queryable = db): Promise<boolean> {
      const { rowCount } = await tx.query(
        `UPDATE user_settings SET model_unavailable_told = true, updated_at = now()
         WHERE user_id = $1 AND model_id = $2 AND NOT model_unavailable_told`,
        [userId, modelId],
      );
      return rowCount === 1;
    },

    /** The user's model is available again: a later loss is told again. */
    async availableAgain(userId: number, modelId: number): Promise<void> {
      await db.query(
        `UPDATE user_settings SET model_unavailable_told = false, updated_at = now()
         WHERE user_id = $1 AND model_id = $2 AND model_unavailable_told`,
        [userId, modelId],
      );
    },
  };
}

export type OwnModelRepository = ReturnType<typeof createOwnModelRepository>;

export interface OwnModel {
  model: ModelView;
  /** The user was told that it is unavailable (and not since it became available again). */
  told: boolean;
}
