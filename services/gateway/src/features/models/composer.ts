/**
 * The model registry's commands: `/models` (the list, with context lengths and unavailable models
 * marked, the default ★ and the sender's own 👤), `/model [id]` (show or switch), and for admins
 * `/models_sync` (compare the registry with OpenRouter's list now) and `/model_add <key>` (add a free
 * model of that list).
 */

import type { Db } from "@notesbot/shared/db";
import type { SyncReportView } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import type { REGISTRY_SYNC_RESULTS } from "@notesbot/shared/metrics";
import {
  type CatalogResult,
  type CatalogSource,
  fetchCatalog,
  type SyncReport,
  syncWithOpenRouter,
} from "@notesbot/shared/registry";
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { isAdmin } from "../../middleware/access.js";
import { parseModelId } from "../arguments.js";
import type { OwnModelRepository } from "../own-model/repository.js";
import { replyInParts } from "../reply.js";
import type { ModelsRepository } from "./repository.js";

interface Deps {
  db: Db;
  models: ModelsRepository;
  /** The sender's own model, marked in /models. */
  ownModels: OwnModelRepository;
  /** Who may switch, sync and add models; empty means nobody. */
  adminUserIds: ReadonlySet<number>;
  /** OpenRouter's `GET /models`. */
  catalog: CatalogSource;
  /** registry_sync_total, by result. */
  syncs: { inc(labels: { result: (typeof REGISTRY_SYNC_RESULTS)[number] }): void };
  /** registry_entries_skipped_total: entries of the list that could not be read. */
  skippedEntries: { inc(entries: number): void };
  logger: Logger;
}

/** OpenRouter model keys look like `vendor/model-name:variant`; anything else is refused before a fetch. */
const MODEL_KEY = /^[\w.-]+\/[\w.:-]+$/;
const MODEL_KEY_MAX = 200;

export function createModelsComposer(deps: Deps): Composer<BotContext> {
  const { models, adminUserIds } = deps;
  const composer = new Composer<BotContext>();
  /** True for an admin; anyone else is told `refusal` with their own id, and nothing changes. */
  const mayConfigure = async (ctx: BotContext, refusal: (userId: number) => string): Promise<boolean> => {
    const userId = ctx.from?.id;
    if (isAdmin(adminUserIds, userId)) return true;
    if (userId !== undefined) await ctx.reply(refusal(userId));
    return false;
  };

  /** OpenRouter's list now; a failure is logged (with its reason, never the key) and named in the reply. */
  const fetchList = async (command: string): Promise<CatalogResult> => {
    const catalog = await fetchCatalog(deps.catalog);
    if (!catalog.ok) {
      const status = catalog.reason === "status" ? catalog.status : undefined;
      deps.logger.warn({ command, reason: catalog.reason, status }, "model list fetch failed");
    } else noteSkipped(command, catalog.skipped);
    return catalog;
  };
  /** Entries of the list that could not be read: counted and logged (by id), the rest used. */
  const noteSkipped = (command: string, skipped: readonly string[]) => {
    if (skipped.length === 0) return;
    deps.skippedEntries.inc(skipped.length);
    deps.logger.warn(
      { command, skipped: skipped.length, ids: skipped.slice(0, 20) },
      "model list entries skipped: unreadable",
    );
  };
  const failureReason = (catalog: Exclude<CatalogResult, { ok: true }>) =>
    catalog.reason === "status" ? `HTTP ${catalog.status}` : catalog.reason;

  composer.command("models", async (ctx) => {
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("models")));
    const userId = ctx.from?.id;
    const [list, own] = await Promise.all([
      models.list(),
      userId === undefined ? undefined : deps.ownModels.of(userId),
    ]);
    const lines = list.map((m) => ctx.texts.modelLine(m, m.id === own?.model.id));
    await replyInParts(ctx, [ctx.texts.modelsHeader, ...lines, "", ctx.texts.modelsFooter], "\n");
  });

  composer.command("model", async (ctx) => {
    const rawId = ctx.match.trim();
    if (rawId === "") {
      const active = await models.active();
      return void (await ctx.reply(active ? ctx.texts.activeModel(active) : ctx.texts.noActiveModel));
    }
    if (!(await mayConfigure(ctx, ctx.texts.modelSwitchForbidden))) return;
    const id = parseModelId(rawId);
    if (!id.ok) return void (await ctx.reply(ctx.texts.invalidModelId(rawId)));
    // Once per update: a second handling reports the same switch and does not switch back. The check
    // that the model is available is in the switch's transaction, under the lock a sync takes too.
    const result = await ctx.once("model-activation", async (tx) => {
      const activation = await models.activate(id.value, tx);
      return activation.outcome === "missing"
        ? activation
        : { ...activation, model: { ...activation.model } };
    });
    if (result.outcome === "missing") return void (await ctx.reply(ctx.texts.modelNotFound(rawId)));
    // Committed: this gateway's next ask goes to the new model.
    if (result.outcome === "switched") models.forgetActive();
    await ctx.reply(
      result.outcome === "switched"
        ? ctx.texts.modelSwitched(result.model)
        : ctx.texts.modelUnavailable(result.model),
    );
  });

  composer.command("models_sync", async (ctx) => {
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("models_sync")));
    if (!(await mayConfigure(ctx, ctx.texts.adminsOnly))) return;
    // The sync is one transaction of its own; its report is remembered with the update, so a second
    // handling shows the same report instead of syncing again (if that record was lost, it syncs again,
    // which is harmless: a sync only makes the registry match the list of that moment).
    const outcome = await ctx.remembered("models_sync", async (): Promise<SyncOutcome> => {
      const synced = await syncWithOpenRouter(deps.db, deps.catalog);
      if (!synced.ok) {
        deps.syncs.inc({ result: "failed" });
        deps.logger.warn(
          { command: "models_sync", reason: failureReason(synced) },
          "model list fetch failed",
        );
        return { ok: false, reason: failureReason(synced) };
      }
      const { report } = synced;
      noteSkipped("models_sync", synced.skipped);
      models.forgetActive();
      deps.syncs.inc({ result: "ok" });
      deps.logger.info(
        {
          total: report.total,
          available: report.available,
          madeUnavailable: report.madeUnavailable.length,
          madeAvailable: report.madeAvailable.length,
          newFree: report.newFree.length,
        },
        "registry synced",
      );
      return { ok: true, report: reportView(report) };
    });
    if (!outcome.ok) return void (await ctx.reply(ctx.texts.sync.failed(outcome.reason)));
    const { report } = outcome;
    const news =
      report.newFree.length === 0
        ? [ctx.texts.sync.noneNew]
        : [ctx.texts.sync.newHeader, ...report.newFree.map(ctx.texts.sync.newLine)];
    await replyInParts(ctx, [ctx.texts.sync.report(report), ...news], "\n");
  });

  composer.command("model_add", async (ctx) => {
    if (!(await mayConfigure(ctx, ctx.texts.adminsOnly))) return;
    const key = ctx.match.trim();
    if (key === "") return void (await ctx.reply(ctx.texts.modelAdd.usage));
    if (key.length > MODEL_KEY_MAX || !MODEL_KEY.test(key)) {
      return void (await ctx.reply(ctx.texts.modelAdd.notListed(key)));
    }
    // Validated against a fresh list; the addition is once per update (handled again: the same reply).
    const catalog = await fetchList("model_add");
    if (!catalog.ok) return void (await ctx.reply(ctx.texts.sync.failed(failureReason(catalog))));
    const addition = await ctx.once("model_add", async (tx) => ({
      ...(await models.add(key, catalog.models, tx)),
    }));
    if (addition.outcome === "added") {
      deps.logger.info({ modelId: addition.id, key: addition.key }, "model added");
      return void (await ctx.reply(ctx.texts.modelAdd.added(addition)));
    }
    await ctx.reply(
      addition.outcome === "exists"
        ? ctx.texts.modelAdd.exists(addition.key, addition.id)
        : ctx.texts.modelAdd.notListed(key),
    );
  });

  return composer;
}

/** The report as JSON for the update's record, and as the texts show it. */
function reportView(report: SyncReport): SyncReportView {
  return {
    available: report.available,
    total: report.total,
    madeUnavailable: report.madeUnavailable.map((m) => m.key),
    madeAvailable: report.madeAvailable.map((m) => m.key),
    activeLost: report.activeLost ? { key: report.activeLost.key, label: report.activeLost.label } : null,
    newFree: report.newFree.map((m) => ({
      key: m.key,
      name: m.name,
      contextLength: m.contextLength ?? null,
    })),
  };
}

type SyncOutcome = { ok: true; report: SyncReportView } | { ok: false; reason: string };
