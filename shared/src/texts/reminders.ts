/** What reminders say: /remind, /reminders, the ⏰ and 💤 buttons, the fired reminder; and /tz. Times arrive formatted. */
import {
  REMINDER_AHEAD_MAX_DAYS,
  REMINDER_TEXT_MAX,
  REMINDER_TOMORROW_HOUR,
  REMINDERS_PENDING_MAX,
  type ReminderChoice,
} from "../domain/index.js";
import { cutBeforePair } from "../telegram/split.js";
import { echo, id, type Translate } from "./translate.js";

/**
 * A reminder's text in one line of the /reminders list: on one line, at most this many UTF-16 units, so
 * that a full list (REMINDERS_PENDING_MAX lines) fits one message with its cancel buttons.
 */
const LIST_TEXT_MAX = 40;
const listText = (text: string) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= LIST_TEXT_MAX ? line : `${line.slice(0, cutBeforePair(line, LIST_TEXT_MAX))}…`;
};

export const remindersTexts = (t: Translate) => {
  const choice = (c: ReminderChoice) =>
    c === "hour"
      ? t("reminder-choice-hour")
      : t("reminder-choice-tomorrow", { hour: id(REMINDER_TOMORROW_HOUR) });
  const examples = (zone: string) => t("remind-examples", { zone });
  return {
    remind: {
      /** Every refusal of /remind ends with the examples of what works, in the user's zone. */
      usage: (zone: string) =>
        `${t("remind-usage", { textMax: id(REMINDER_TEXT_MAX) })}\n\n${examples(zone)}`,
      unreadable: (input: string, zone: string) =>
        `${t("remind-unreadable", { input: echo(input, 60) })}\n\n${examples(zone)}`,
      past: (at: string, zone: string) => `${t("remind-past", { at, zone })}\n\n${examples(zone)}`,
      tooFar: (at: string, zone: string) =>
        `${t("remind-too-far", { at, zone, days: id(REMINDER_AHEAD_MAX_DAYS) })}\n\n${examples(zone)}`,
      tooLong: (length: number) =>
        t("remind-too-long", { length: id(length), textMax: id(REMINDER_TEXT_MAX) }),
      tooMany: t("remind-too-many", { max: id(REMINDERS_PENDING_MAX) }),
      scheduled: (reminderId: string, at: string, zone: string) =>
        t("remind-set", { id: reminderId, at, zone }),
      unavailable: t("remind-unavailable"),
    },
    reminders: {
      empty: t("reminders-empty"),
      header: (count: number, zone: string) => t("reminders-header", { count: id(count), zone }),
      /** One line of the list: `#id · time — text` (the text shortened). */
      line: (reminderId: string, at: string, text: string) => `#${reminderId} · ${at} — ${listText(text)}`,
      cancelButton: (reminderId: string) => t("reminder-cancel-button", { id: reminderId }),
      cancelled: (reminderId: string) => t("reminder-cancelled", { id: reminderId }),
      notFound: (reminderId: string) => t("reminder-not-found", { id: reminderId }),
    },
    reminder: {
      fired: (reminderId: string, text: string) => t("reminder-fired", { id: reminderId, text }),
      doneButton: t("reminder-done-button"),
      snoozeButton: (c: ReminderChoice) => t("reminder-snooze-button", { choice: choice(c) }),
      noteButton: (c: ReminderChoice) => t("reminder-note-button", { choice: choice(c) }),
      done: (reminderId: string) => t("reminder-done", { id: reminderId }),
      snoozed: (reminderId: string, at: string, zone: string) =>
        t("reminder-snoozed", { id: reminderId, at, zone }),
      closed: (reminderId: string) => t("reminder-closed", { id: reminderId }),
    },
    tz: {
      current: (zone: string, now: string) => t("tz-current", { zone, now }),
      changed: (zone: string, now: string) => t("tz-set", { zone, now }),
      invalid: (raw: string) => t("tz-invalid", { raw: echo(raw) }),
    },
  };
};
