/**
 * Reminders: `/remind <when> <text>`, `/reminders` (the pending list with a cancel button each), `/tz`,
 * and the buttons: a saved note's ⏰ choices, a fired reminder's ✅ and 💤, the list's ✖. Every change
 * is an effect done once per update (`ctx.once`); a reminder's job is added once its row is committed,
 * and a row whose job the queue refused is put back, so a reminder is set only when both PostgreSQL
 * and the queue took it. The worker fires it.
 */

import { REMINDER_TEXT_MAX } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import { type ReminderAction, type ReminderScheduler, reminderActionOf } from "@notesbot/shared/queue";
import type { Texts } from "@notesbot/shared/texts";
import { Composer } from "grammy";
import type { User } from "grammy/types";
import type pg from "pg";
import type { BotContext } from "../../context.js";
import { characterCount, hasUnstorableCharacters } from "../arguments.js";
import type { SettingsRepository } from "../settings/repository.js";
import { cancelKeyboard } from "./keyboards.js";
import type { Moved, NewReminder, RemindersRepository } from "./repository.js";
import { instantOfChoice, parseReminder } from "./when.js";
import { canonicalZone, formatInZone } from "./zone.js";

interface Deps {
  reminders: RemindersRepository;
  settings: SettingsRepository;
  scheduler: ReminderScheduler;
  logger: Logger;
}

type Set = { id: string; dueAt: string } | { error: "too_many" | "missing" | "unavailable" };

export function createRemindersComposer({
  reminders,
  settings,
  scheduler,
  logger,
}: Deps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const fromUsers = composer.filter((ctx): ctx is BotContext & { from: User } => ctx.from !== undefined);

  /**
   * Adds the job of reminder `id` at `version`, after its row is committed (so a job never runs before
   * its row can be read); a repeated handling of the update adds the same job id, which changes
   * nothing. When the queue refuses, `undo` puts the row back as it was and false is returned.
   */
  const scheduleOrUndo = async (
    ctx: BotContext,
    id: string,
    version: number,
    dueAt: Date,
    undo: () => Promise<unknown>,
  ): Promise<boolean> => {
    try {
      await scheduler.schedule(id, version, dueAt);
      return true;
    } catch (error) {
      logger.warn(
        { updateId: ctx.update.update_id, reminderId: id, err: error },
        "reminder not scheduled: the queue refused; its row is put back",
      );
      await undo();
      return false;
    }
  };

  /** Sets a reminder (of a text, or of a note) once for this update, then its job. */
  const set = async (
    ctx: BotContext & { from: User },
    step: string,
    add: (tx: pg.PoolClient) => Promise<{ id: string } | "too_many" | undefined>,
    dueAt: Date,
  ): Promise<Set> => {
    const outcome = await ctx.once<Set>(step, async (tx) => {
      const added = await add(tx);
      if (added === undefined) return { error: "missing" };
      if (added === "too_many") return { error: "too_many" };
      return { id: added.id, dueAt: dueAt.toISOString() };
    });
    if ("error" in outcome) return outcome;
    const userId = ctx.from.id;
    const scheduled = await scheduleOrUndo(ctx, outcome.id, 1, new Date(outcome.dueAt), () =>
      reminders.withdraw(userId, outcome.id),
    );
    return scheduled ? outcome : { error: "unavailable" };
  };

  const where = (ctx: BotContext & { from: User }, dueAt: Date): NewReminder => ({
    userId: ctx.from.id,
    chatId: ctx.chat?.id ?? ctx.from.id,
    threadId: ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined,
    locale: ctx.locale,
    dueAt,
  });

  fromUsers.command("remind", async (ctx) => {
    const zone = await settings.timeZone(ctx.from.id);
    const input = ctx.match.trim();
    const texts = ctx.texts;
    if (input === "") return void (await ctx.reply(texts.remind.usage(zone)));
    if (hasUnstorableCharacters(input)) return void (await ctx.reply(texts.unstorableCharacters));
    const when = parseReminder(input, zone, ctx.locale);
    if (!when.ok && (when.error === "past" || when.error === "too_far")) {
      const at = formatInZone(when.at, zone);
      return void (await ctx.reply(
        when.error === "past" ? texts.remind.past(at, zone) : texts.remind.tooFar(at, zone),
      ));
    }
    if (!when.ok) {
      if (when.error === "unreadable") return void (await ctx.reply(texts.remind.unreadable(input, zone)));
      return void (await ctx.reply(texts.remind.usage(zone)));
    }
    if (characterCount(when.text) > REMINDER_TEXT_MAX)
      return void (await ctx.reply(texts.remind.tooLong(characterCount(when.text))));
    const outcome = await set(
      ctx,
      "remind",
      (tx) => reminders.add(tx, where(ctx, when.at), when.text),
      when.at,
    );
    await ctx.reply(told(texts, outcome, zone));
  });

  fromUsers.command("reminders", async (ctx) => {
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("reminders")));
    const list = await listOf(ctx.texts, ctx.from.id);
    await ctx.reply(list.text, list.markup ? { reply_markup: list.markup } : {});
  });

  fromUsers.command("tz", async (ctx) => {
    const raw = ctx.match.trim();
    if (raw === "") {
      const zone = await settings.timeZone(ctx.from.id);
      return void (await ctx.reply(ctx.texts.tz.current(zone, formatInZone(new Date(), zone))));
    }
    const zone = canonicalZone(raw);
    if (zone === undefined) return void (await ctx.reply(ctx.texts.tz.invalid(raw)));
    const userId = ctx.from.id;
    await ctx.once("tz", async (tx) => {
      await settings.setTimeZone(userId, zone, tx);
      return zone;
    });
    await ctx.reply(ctx.texts.tz.changed(zone, formatInZone(new Date(), zone)));
  });

  /** The /reminders message: the pending list, times in the user's zone, a cancel button each. */
  const listOf = async (texts: Texts, userId: number) => {
    const [zone, pending] = await Promise.all([settings.timeZone(userId), reminders.pending(userId)]);
    if (pending.length === 0) return { text: texts.reminders.empty, markup: undefined };
    const lines = pending.map((r) => texts.reminders.line(r.id, formatInZone(r.dueAt, zone), r.text));
    return {
      text: [texts.reminders.header(pending.length, zone), ...lines].join("\n"),
      markup: cancelKeyboard(
        texts,
        pending.map((r) => r.id),
      ),
    };
  };

  fromUsers.on("callback_query:data", async (ctx, next) => {
    const action = reminderActionOf(ctx.callbackQuery.data);
    if (action === undefined) return next();
    await handle(ctx, action);
  });

  const handle = async (ctx: BotContext & { from: User }, action: ReminderAction) => {
    const texts = ctx.texts;
    const userId = ctx.from.id;
    const answer = (text: string, alert = false) => ctx.answerCallbackQuery({ text, show_alert: alert });

    if (action.action === "note") {
      const zone = await settings.timeZone(userId);
      const dueAt = instantOfChoice(action.choice, zone);
      const outcome = await set(
        ctx,
        "remind",
        (tx) => reminders.addOfNote(tx, where(ctx, dueAt), action.id),
        dueAt,
      );
      if ("error" in outcome && outcome.error === "missing")
        return void (await answer(texts.noteNotFound(action.id)));
      return void (await answer(told(texts, outcome, zone), "error" in outcome));
    }

    if (action.action === "cancel") {
      const moved = await ctx.once<Moved>("cancel", (tx) => reminders.cancel(tx, userId, action.id));
      if (!moved.ok) return void (await answer(texts.reminders.notFound(action.id)));
      // The row decides: a job left behind (Redis unavailable) finds it cancelled and sends nothing.
      await scheduler.unschedule(action.id, moved.version).catch((error: unknown) => {
        logger.warn({ reminderId: action.id, err: error }, "a cancelled reminder's job was not removed");
      });
      await answer(texts.reminders.cancelled(action.id));
      const list = await listOf(texts, userId);
      await ctx.editMessageText(list.text, list.markup ? { reply_markup: list.markup } : {}).catch(() => {});
      return;
    }

    if (action.action === "done") {
      const moved = await ctx.once<Moved>("done", (tx) => reminders.done(tx, userId, action.id));
      if (!moved.ok) return void (await answer(closedOrMissing(texts, action.id, moved.error)));
      return void (await closeWith(ctx, texts.reminder.done(action.id)));
    }

    const zone = await settings.timeZone(userId);
    const dueAt = instantOfChoice(action.choice, zone);
    const moved = await ctx.once<Moved>("snooze", (tx) => reminders.snooze(tx, userId, action.id, dueAt));
    if (!moved.ok) return void (await answer(closedOrMissing(texts, action.id, moved.error)));
    const scheduled = await scheduleOrUndo(ctx, action.id, moved.version, dueAt, () =>
      reminders.unsnooze(userId, action.id, moved.version),
    );
    if (!scheduled) return void (await answer(texts.remind.unavailable, true));
    await closeWith(ctx, texts.reminder.snoozed(action.id, formatInZone(dueAt, zone), zone));
  };

  return composer;
}

/** The reply to a reminder set (or not): its time in the user's zone, or why not. */
function told(texts: Texts, outcome: Set, zone: string): string {
  if ("error" in outcome)
    return outcome.error === "too_many" ? texts.remind.tooMany : texts.remind.unavailable;
  return texts.remind.scheduled(outcome.id, formatInZone(new Date(outcome.dueAt), zone), zone);
}

const closedOrMissing = (texts: Texts, id: string, error: "missing" | "closed") =>
  error === "closed" ? texts.reminder.closed(id) : texts.reminders.notFound(id);

/** Answers a fired reminder's button and leaves the outcome under its text, without the buttons. */
async function closeWith(ctx: BotContext, status: string): Promise<void> {
  await ctx.answerCallbackQuery({ text: status });
  const shown = ctx.callbackQuery?.message?.text;
  if (shown !== undefined) await ctx.editMessageText(`${shown}\n\n${status}`).catch(() => {});
}
