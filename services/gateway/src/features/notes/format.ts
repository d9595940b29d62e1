import { NOTE_MAX_LENGTH, type NoteView } from "@notesbot/shared/domain";
import { cutBeforePair } from "@notesbot/shared/telegram";
import { formatDateTime, noteMarks, type Texts } from "@notesbot/shared/texts";
import type { DayCount } from "./repository.js";

/** A text cut to a note's length (in Telegram's units, never inside a surrogate pair), marked with "…". */
export function fitNote(text: string): string {
  if (text.length <= NOTE_MAX_LENGTH) return text;
  return `${text.slice(0, cutBeforePair(text, NOTE_MAX_LENGTH - 1)).trimEnd()}…`;
}

/** How notes are written into an export document: its start, each note (oldest first), its end. */
export interface ExportFormat {
  extension: "txt" | "json" | "md";
  head: string;
  item: (note: NoteView, first: boolean) => string;
  tail: string;
}

/** One note of a JSON export, as /note_import reads it back. */
export const exportedNote = (note: NoteView) => ({
  id: note.id,
  text: note.text,
  created_at: note.createdAt.toISOString(),
  ...(note.origin ? { origin: note.origin } : {}),
  ...(note.photos && note.photos.length > 0 ? { photos: note.photos } : {}),
});

/**
 * The export formats. txt: each note under its id and date, a blank line after it, readable in any
 * editor. json: an array of {id, text, created_at, origin?, photos?}. md: a "- " item per note, its
 * further lines indented by two spaces (a note of photos only is "- 🖼").
 */
export const EXPORT_FORMATS: Record<ExportFormat["extension"], ExportFormat> = {
  txt: {
    extension: "txt",
    head: "",
    item: (note) => `#${note.id} · ${formatDateTime(note.createdAt)} UTC${noteMarks(note)}\n${note.text}\n\n`,
    tail: "",
  },
  json: {
    extension: "json",
    head: "[\n",
    item: (note, first) => `${first ? "" : ",\n"}${JSON.stringify(exportedNote(note))}`,
    tail: "\n]\n",
  },
  md: {
    extension: "md",
    head: "",
    item: (note) => `- ${(note.text === "" ? "🖼" : note.text).replace(/\n(?!\n)/g, "\n  ")}\n`,
    tail: "",
  },
};

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
