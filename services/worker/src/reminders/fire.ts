/**
 * Fires one reminder job: sends the reminder, with its ✅ and 💤 buttons, to the chat where it was set,
 * and marks its row fired, in one PostgreSQL transaction that holds the row's lock while it sends.
 *
 * - The row decides: only a pending row at the job's version is sent, so a cancelled, snoozed (a newer
 *   version), already fired or unknown reminder sends nothing, whichever worker runs the job and
 *   however often.
 * - Two runs of the same job at once (a stalled job taken over) queue on the row's lock; the second
 *   then finds it fired.
 * - A crash between Telegram's answer and the commit rolls the mark back: the job runs again and the
 *   reminder comes twice. That side was chosen over marking first (a crash there would lose the
 *   reminder without a word): a repeated reminder is a nuisance, a lost one is the failure users
 *   leave reminder apps over.
 * - Telegram refusing the chat for good (the bot blocked, 403; the chat gone) drops the reminder, logged by
 *   its id, without retries; a transient failure (network, 5xx, a long 429) throws, and BullMQ runs
 *   the job again later (reminderJobOptions), the row still pending.
 */
import { type Db, inTransaction } from "@notesbot/shared/db";
import { isLocale, REMINDER_CHOICES } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import type { REMINDER_OUTCOMES } from "@notesbot/shared/metrics";
import { type ReminderJob, reminderCallbackData } from "@notesbot/shared/queue";
import type { Localizer, Texts } from "@notesbot/shared/texts";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { classifyTelegramFailure, telegramErrorFields } from "../chat-messages.js";

export type FiringOutcome = (typeof REMINDER_OUTCOMES)[number];

export interface ReminderFiringDeps {
  db: Db;
  /** The worker's Bot API client: the shared Telegram budget, Telegram's 429 and 5xx waited out. */
  api: Api;
  localizer: Localizer;
  logger: Logger;
  count: (outcome: FiringOutcome) => void;
}

interface Row {
  user_id: string;
  chat_id: string;
  thread_id: number | null;
  text: string;
  locale: string;
}

/** Under a fired reminder: done, and snooze to each ready-made time. */
const firedKeyboard = (texts: Texts, id: string): InlineKeyboardMarkup => ({
  inline_keyboard: [
    [
      { text: texts.reminder.doneButton, callback_data: reminderCallbackData({ action: "done", id }) },
      ...REMINDER_CHOICES.map((choice) => ({
        text: texts.reminder.snoozeButton(choice),
        callback_data: reminderCallbackData({ action: "snooze", id, choice }),
      })),
    ],
  ],
});

export function createReminderFiring({ db, api, localizer, logger, count }: ReminderFiringDeps) {
  return async ({ reminderId, version }: ReminderJob): Promise<FiringOutcome> => {
    const outcome = await inTransaction(db, async (tx): Promise<FiringOutcome> => {
      // The reminder's language: the user's /lang now, else theirs when they set it.
      const { rows } = await tx.query<Row>(
        `SELECT r.user_id, r.chat_id, r.thread_id, r.text, COALESCE(s.locale, r.locale) AS locale
         FROM reminders r LEFT JOIN user_settings s ON s.user_id = r.user_id
         WHERE r.id = $1 AND r.version = $2 AND r.state = 'pending'
         FOR UPDATE OF r`,
        [reminderId, version],
      );
      const row = rows[0];
      if (row === undefined) return "skipped";
      const texts = localizer.of(isLocale(row.locale) ? row.locale : "ru");
      try {
        const message = await api.sendMessage(
          Number(row.chat_id),
          texts.reminder.fired(reminderId, row.text),
          {
            ...(row.thread_id === null ? {} : { message_thread_id: row.thread_id }),
            reply_markup: firedKeyboard(texts, reminderId),
            link_preview_options: { is_disabled: true },
          },
        );
        await tx.query(
          `UPDATE reminders SET state = 'fired', fired_at = now(), message_id = $2, updated_at = now()
           WHERE id = $1`,
          [reminderId, message.message_id],
        );
        return "sent";
      } catch (error) {
        const failure = classifyTelegramFailure(error);
        if (failure === undefined || failure.kind === "transient") throw error;
        logger.warn(
          { reminderId, userId: row.user_id, ...telegramErrorFields(error) },
          "reminder dropped: Telegram refuses the chat",
        );
        await tx.query(`UPDATE reminders SET state = 'undeliverable', updated_at = now() WHERE id = $1`, [
          reminderId,
        ]);
        return "undeliverable";
      }
    });
    count(outcome);
    if (outcome === "sent") logger.info({ reminderId, version }, "reminder fired");
    else if (outcome === "skipped")
      logger.info({ reminderId, version }, "reminder job skipped: not pending at its version");
    return outcome;
  };
}
