/** What the model registry says: /models, /model, /models_sync, /model_add, and the admins' notices. */
import type { ModelView, SyncReportView } from "../domain/index.js";
import { echo, id, type Translate } from "./translate.js";

export const modelsTexts = (t: Translate) => ({
  modelsHeader: t("models-header"),
  /** One model of /models; `own`: the reader's own model (/mymodel). */
  modelLine: (m: ModelView, own = false) =>
    t("model-line", {
      active: m.active ? "yes" : "no",
      own: own ? "yes" : "no",
      id: id(m.id),
      label: m.label,
      key: m.key,
      context: m.contextLength === null ? "none" : id(m.contextLength),
      available: m.available ? "yes" : "no",
    }),
  modelUnavailable: (m: ModelView) => t("model-unavailable", { label: m.label, key: m.key }),
  modelsFooter: t("models-footer"),
  activeModel: (m: ModelView) => t("active-model", { label: m.label, key: m.key, id: id(m.id) }),
  modelSwitched: (m: ModelView) => t("model-switched", { label: m.label, key: m.key }),
  modelNotFound: (raw: string) => t("model-not-found", { raw: echo(raw) }),
  invalidModelId: (raw: string) => t("invalid-model-id", { raw: echo(raw) }),
  /** A refusal of an admin command; it tells the sender their id and where an admin's id goes. */
  modelSwitchForbidden: (userId: number) =>
    `${t("model-switch-forbidden")}\n${t("admin-how-to", { id: id(userId) })}`,
  noActiveModel: t("no-active-model"),
  noAvailableModel: (m: ModelView) => t("no-available-model", { label: m.label, key: m.key }),
  adminsOnly: (userId: number) => `${t("models-admins-only")}\n${t("admin-how-to", { id: id(userId) })}`,

  sync: {
    failed: (reason: string) => t("models-sync-failed", { reason }),
    report: (r: SyncReportView) =>
      [
        t("models-sync-report", { available: id(r.available), total: id(r.total) }),
        ...(r.madeUnavailable.length > 0
          ? [t("models-sync-unavailable", { keys: r.madeUnavailable.join(", ") })]
          : []),
        ...(r.madeAvailable.length > 0
          ? [t("models-sync-available", { keys: r.madeAvailable.join(", ") })]
          : []),
        ...(r.activeLost ? [t("models-sync-active-lost", { ...r.activeLost })] : []),
      ].join("\n"),
    newHeader: t("models-sync-new"),
    newLine: (m: SyncReportView["newFree"][number]) =>
      t("models-sync-new-line", {
        key: m.key,
        name: m.name,
        context: m.contextLength === null ? "none" : id(m.contextLength),
      }),
    noneNew: t("models-sync-none-new"),
  },

  modelAdd: {
    usage: t("model-add-usage"),
    notListed: (key: string) => t("model-add-not-listed", { key: echo(key, 100) }),
    exists: (key: string, modelId: number) => t("model-add-exists", { key, id: id(modelId) }),
    added: (m: { id: number; key: string; label: string }) =>
      t("model-added", { label: m.label, key: m.key, id: id(m.id) }),
  },
  /** /mymodel: the sender's own model. */
  ownModel: {
    usage: t("mymodel-usage"),
    /** No model of their own; `fallback`: the default (none: the bot has none). */
    none: (fallback: ModelView | undefined) =>
      fallback ? t("mymodel-none", { label: fallback.label, key: fallback.key }) : t("mymodel-no-default"),
    shown: (own: ModelView, fallback: ModelView | undefined) => {
      const args = {
        label: own.label,
        key: own.key,
        id: id(own.id),
        defaultLabel: fallback?.label ?? "—",
        defaultKey: fallback?.key ?? "—",
      };
      return own.available ? t("mymodel-own", args) : t("mymodel-own-unavailable", args);
    },
    set: (m: ModelView) => t("mymodel-set", { label: m.label, key: m.key }),
    reset: t("mymodel-reset"),
    unavailable: (m: ModelView) => t("mymodel-unavailable", { label: m.label, key: m.key }),
    /** Told once when an ask finds the user's own model unavailable. */
    gone: (m: ModelView) => t("mymodel-gone", { label: m.label, key: m.key }),
  },
  registry: {
    /** To the admins: the active model went from OpenRouter's free list. */
    activeLost: (key: string, label: string) => t("registry-active-lost", { key, label }),
    /** To the admins: an ask found that OpenRouter no longer has this (not active) model. */
    modelLost: (key: string, label: string) => t("registry-model-gone", { key, label }),
  },
});
