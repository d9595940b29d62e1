import type { ModelView, NoteView } from "@notesbot/shared/domain";
import { type AskProducer, type NewAskJob, QueueUnavailableError } from "@notesbot/shared/queue";
import type { BotContext } from "../../context.js";
import type { FoundMedia } from "../media/classify.js";
import type { MediaRouter } from "../media/route.js";
import type { ModelsRepository } from "../models/repository.js";
import type { OwnModel, OwnModelRepository } from "../own-model/repository.js";
import { type Persona, personaPrompt } from "../persona/repository.js";
import type { SubmitReads } from "./submit-reads.js";

/**
 * The submit protocol of an ask, apart from the commands that ask (composer.ts): the model's route
 * (the one asked for, else the sender's own, else the bot's default), the chat's persona, admission
 * against the per-user limit, the placeholder (sent once per update, reused when the update is handled
 * again), the job whose id comes from the update, and the compensation when the queue
 * fails between them (the ask withdrawn, no "⏳" left waiting).
 */

export interface SubmitDeps {
  queue: AskProducer;
  models: ModelsRepository;
  ownModels: OwnModelRepository;
  /** The sender's own model and the chat's persona, read together. */
  reads: SubmitReads;
  /** Shown in the "too many asks" reply. */
  perUserPerMinute: number;
  /** Counts jobs added (ask_jobs_enqueued_total). */
  enqueued: { inc(): void };
  /** The models that can take an ask's medium (see media/route.ts). */
  mediaRoute: MediaRouter;
}

/** Replies that the queue is unavailable when `error` says so; any other error is thrown on. */
export async function replyUnavailable(ctx: BotContext, error: unknown): Promise<void> {
  if (!(error instanceof QueueUnavailableError)) throw error;
  await ctx.reply(ctx.texts.ask.unavailable);
}

export function createSubmit(deps: SubmitDeps) {
  const { queue, models, ownModels } = deps;

  /**
   * Where the ask goes: the model asked for (/retry <id>), else the sender's own model while it is
   * available (the default and its fallbacks after it), else the default. The sender is told once that
   * their own model became unavailable (again after it was back).
   */
  const routeOf = async (ctx: AskContext, userId: number, ask: Submission, own: OwnModel | undefined) => {
    if (ask.model) return models.route(ask.model);
    if (own === undefined) return models.route();
    if (own.model.available) {
      if (own.told) await ownModels.availableAgain(userId, own.model.id);
      return models.routeOwn(own.model);
    }
    const route = await models.route();
    if (
      route.ok &&
      !own.told &&
      (await ctx.once("own-model-told", (tx) => ownModels.tellUnavailableOnce(userId, own.model.id, tx)))
    ) {
      await ctx.reply(ctx.texts.ownModel.gone(own.model));
    }
    return route;
  };

  /**
   * Puts one ask on the queue for this update: a placeholder at once (sent once per update, reused when
   * the update is handled again), then the job, whose id comes from the update.
   */
  const submit = async (ctx: AskContext, ask: Submission) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    // The model asked for (or the sender's own, or the default), or the first available fallback when
    // it is unavailable.
    const { own, persona } = await deps.reads.of(userId, ctx.chat.id);
    const route = await routeOf(ctx, userId, ask, own);
    if (!route.ok) {
      return void (await ctx.reply(
        route.reason === "no_active" ? ctx.texts.noActiveModel : ctx.texts.noAvailableModel(route.model),
      ));
    }
    // A medium goes only to models that can take it; none: the user is told, and no model is asked.
    const routed = ask.media === undefined ? undefined : await deps.mediaRoute(route, ask.media);
    if (routed !== undefined && !routed.ok) {
      return void (await ctx.reply(
        routed.reason === "no_vision" ? ctx.texts.media.noVision(routed.modelKey) : ctx.texts.media.noHearing,
      ));
    }

    const updateId = ctx.update.update_id;
    let placeholder: Placeholder | null;
    try {
      queue.assertConnected();
      // Its job exists: the update was handled up to the enqueue before, and the worker answers it.
      if (!ctx.firstHandling && (await queue.has(updateId))) return;
      placeholder = await admitted(ctx, userId, updateId);
    } catch (error) {
      return replyUnavailable(ctx, error);
    }
    if (placeholder === null) return void (await ctx.reply(ctx.texts.ask.tooMany(deps.perUserPerMinute)));

    try {
      const job = jobOf(ctx, userId, ask, routed?.route ?? route, placeholder, persona);
      await queue.enqueue(
        updateId,
        ask.media === undefined
          ? job
          : { ...job, media: { ...ask.media, transcribeModelKeys: routed?.transcribeModelKeys ?? [] } },
      );
      deps.enqueued.inc();
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      // Not added: no "⏳" is left waiting for it (told first), and it no longer counts as pending.
      await replaceWithUnavailable(ctx, placeholder.messageId);
      await queue.withdraw(userId, updateId);
    }
  };

  /**
   * Admits the ask and sends its placeholder, saying where the ask waits, once per update (handled
   * again, the update finds the same); null: over the per-user limit. A placeholder that cannot be
   * sent withdraws the ask.
   */
  const admitted = (ctx: AskContext, userId: number, updateId: number) =>
    ctx.remembered("placeholder", async (): Promise<Placeholder | null> => {
      const queuedBehind = await queue.admit(userId, updateId);
      if (queuedBehind === undefined) return null;
      const text = queuedBehind > 0 ? ctx.texts.ask.queued(queuedBehind) : ctx.texts.ask.placeholder;
      const sent = await ctx
        .reply(text, {
          reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
        })
        .catch(async (error: unknown) => {
          await queue.withdraw(userId, updateId);
          throw error;
        });
      return { messageId: sent.message_id, queuedBehind };
    });

  /**
   * The placeholder of an ask that will not be answered says so; if it cannot be edited, it goes and
   * a new message says so instead.
   */
  const replaceWithUnavailable = async (ctx: AskContext, messageId: number) => {
    const text = ctx.texts.ask.unavailable;
    const edited = await ctx.api.editMessageText(ctx.chat.id, messageId, text).then(
      () => true,
      () => false,
    );
    if (edited) return;
    await ctx.api.deleteMessage(ctx.chat.id, messageId).catch(() => {});
    await ctx.reply(text);
  };

  return submit;
}

/** The job of an admitted ask, for the model it is routed to. */
function jobOf(
  ctx: AskContext,
  userId: number,
  ask: Submission,
  route: Route,
  placeholder: Placeholder,
  persona: Persona | undefined,
): NewAskJob {
  return {
    chatId: ctx.chat.id,
    // A question in a forum topic is answered there (grammY's ctx.reply does so for the placeholder).
    ...(ctx.msg.is_topic_message && ctx.msg.message_thread_id !== undefined
      ? { threadId: ctx.msg.message_thread_id }
      : {}),
    placeholderMessageId: placeholder.messageId,
    userId,
    question: ask.question,
    modelKey: route.modelKey,
    fallbackModelKeys: route.fallbackModelKeys,
    queuedBehind: placeholder.queuedBehind,
    ...(route.contextLength === undefined ? {} : { contextLength: route.contextLength }),
    enqueuedAt: Date.now(),
    locale: ctx.locale,
    kind: ask.kind ?? "ask",
    notes: (ask.notes ?? []).map((n) => ({
      id: n.id,
      text: n.text,
      createdAt: n.createdAt.toISOString(),
    })),
    ...(ask.digest ? { digest: ask.digest } : {}),
    ...(persona ? { persona: personaPrompt(ctx.texts, persona) } : {}),
  };
}

/** Where an ask goes: its model and fallbacks (see ModelsRepository.route). */
type Route = Extract<Awaited<ReturnType<ModelsRepository["route"]>>, { ok: true }>;

export type AskContext = BotContext & {
  chat: { id: number };
  msg: { message_id: number; is_topic_message?: boolean; message_thread_id?: number };
};

export interface Submission {
  question: string;
  kind?: "ask" | "notes" | "digest";
  notes?: readonly NoteView[];
  digest?: { days: number; total: number };
  /** Another model than the sender's own or the default (/retry <id>). */
  model?: ModelView;
  /** The photo, voice or document the question is about (kind "ask"). */
  media?: FoundMedia;
}

/** The placeholder of an admitted ask, as its update remembers it. */
type Placeholder = {
  messageId: number;
  /** The user's asks pending before this one. */
  queuedBehind: number;
};
