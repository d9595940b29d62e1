import type { Db } from "@notesbot/shared/db";
import type { Logger } from "@notesbot/shared/logging";
import { markModelGone } from "@notesbot/shared/registry";
import type { AdminNotice } from "./admins.js";

/**
 * What the worker does when OpenRouter answers that a model does not exist or has no endpoint: the
 * registry marks it unavailable at once (new asks skip it, the active one falls back) and the admins
 * are told, once — not at the next daily sync. Returns at once; failures are logged, never thrown.
 */
export function createModelGoneHandler(deps: { db: Db; tellAdmins: AdminNotice; logger: Logger }) {
  const { logger } = deps;
  // Asks that meet the same gone model at once mark it once from this process.
  const pending = new Set<string>();

  const handle = async (modelKey: string): Promise<void> => {
    const model = await markModelGone(deps.db, modelKey);
    if (model === undefined) return; // not in the registry, or marked already
    logger.warn(
      { model: model.key, active: model.active },
      "model marked unavailable: OpenRouter says it is gone",
    );
    await deps.tellAdmins(
      (texts) =>
        model.active
          ? texts.registry.activeLost(model.key, model.label)
          : texts.registry.modelLost(model.key, model.label),
      { model: model.key },
    );
  };

  return (modelKey: string): void => {
    if (pending.has(modelKey)) return;
    pending.add(modelKey);
    void handle(modelKey)
      .catch((error: unknown) =>
        logger.warn(
          { model: modelKey, code: (error as { code?: string }).code },
          "could not mark a gone model unavailable",
        ),
      )
      .finally(() => pending.delete(modelKey));
  };
}
