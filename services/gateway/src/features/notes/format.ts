import type { NoteView } from "@notesbot/shared/domain";
import { formatDateTime, type Texts } from "@notesbot/shared/texts";
import type { DayCount } from "./repository.js";

/** One note in the `.txt` export (oldest first, a blank line after each): readable in any editor. */
export function formatExportNote(note: NoteView): string {
  return `#${note.id} · ${formatDateTime(note.createdAt)} UTC\n${note.text}\n\n`;
}

/** Up to a month every day is listed; longer ranges list only the days that have notes. */
const ALL_DAYS_UP_TO = 31;
const BAR_WIDTH = 20;

/** Lines of the stats reply: the header, a blank line, then one line per day. */
export function formatStats(texts: Texts, days: number, perDay: readonly DayCount[]): string[] {
  const total = perDay.reduce((sum, d) => sum + d.count, 0);
  const shown = days <= ALL_DAYS_UP_TO ? perDay : perDay.filter((d) => d.count > 0);
  const max = Math.max(1, ...shown.map((d) => d.count));
  const lines = shown.map((d) => {
    const bar = "▇".repeat(Math.ceil((d.count / max) * BAR_WIDTH));
    return `${d.day}  ${String(d.count).padStart(4)} ${bar}`.trimEnd();
  });
  const header = texts.statsHeader(days, total);
  if (total === 0) return [header];
  return [days <= ALL_DAYS_UP_TO ? header : `${header}\n${texts.statsOnlyNonEmpty}`, "", ...lines];
}
