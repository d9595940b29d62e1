/** The inline keyboards of reminders the gateway sends: a saved note's ⏰ choices, and /reminders' cancel buttons. */
import { REMINDER_CHOICES } from "@notesbot/shared/domain";
import { reminderCallbackData } from "@notesbot/shared/queue";
import type { Texts } from "@notesbot/shared/texts";
import { InlineKeyboard } from "grammy";

/** Under a saved note: a reminder of it at each ready-made time. */
export const noteReminderKeyboard = (texts: Texts, noteId: string) =>
  InlineKeyboard.from([
    REMINDER_CHOICES.map((choice) =>
      InlineKeyboard.text(
        texts.reminder.noteButton(choice),
        reminderCallbackData({ action: "note", id: noteId, choice }),
      ),
    ),
  ]);

const CANCEL_BUTTONS_PER_ROW = 4;

/** Under the /reminders list: a cancel button for each reminder, in the list's order. */
export function cancelKeyboard(texts: Texts, ids: readonly string[]): InlineKeyboard {
  const buttons = ids.map((id) =>
    InlineKeyboard.text(texts.reminders.cancelButton(id), reminderCallbackData({ action: "cancel", id })),
  );
  const rows = [];
  for (let i = 0; i < buttons.length; i += CANCEL_BUTTONS_PER_ROW)
    rows.push(buttons.slice(i, i + CANCEL_BUTTONS_PER_ROW));
  return InlineKeyboard.from(rows);
}
