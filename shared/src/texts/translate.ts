/** What every feature's texts are built from: a translation function, and how arguments are shown. */
import {
  NOTE_LIST_DEFAULT,
  NOTE_LIST_MAX,
  NOTE_MAX_LENGTH,
  type NoteOrigin,
  type NoteView,
  PERSONA_MAX_LENGTH,
  STATS_DAYS_DEFAULT,
  STATS_DAYS_MAX,
} from "../domain/index.js";

/** Looks a message up in one locale's Fluent bundle. */
export type Translate = (key: string, args?: Record<string, string | number>) => string;

/** Ids and exact figures go to Fluent as strings, so it formats them as they are. */
export const id = (value: string | number) => String(value);

/** Dates are shown in UTC, labelled as such, so every reader sees the same day boundaries. */
export function formatDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")}`;
}

/**
 * What a note's header shows after its date, in every language: 🖼 for its photos (kept by Telegram
 * file_id), and on a line of its own where a forward came from (↪ name · link).
 */
export function noteMarks(note: Pick<NoteView, "origin" | "photos">): string {
  const photos = note.photos?.length ?? 0;
  const marks = photos === 0 ? "" : photos === 1 ? " 🖼" : ` 🖼×${photos}`;
  return `${marks}${note.origin ? `\n${originLine(note.origin)}` : ""}`;
}

/** Where a forwarded note came from, as every reply shows it: `↪ name · link`. */
export const originLine = (origin: NoteOrigin): string =>
  `↪ ${origin.name}${origin.link ? ` · ${origin.link}` : ""}`;

/** User input echoed back in a reply, shortened so the reply stays well within Telegram's limit. */
export const echo = (raw: string, max = 40): string => {
  const characters = Array.from(raw);
  return characters.length > max ? `${characters.slice(0, max).join("")}…` : raw;
};

/** The limits the usage texts and the help quote. */
export const limits = {
  noteMax: id(NOTE_MAX_LENGTH),
  listDefault: id(NOTE_LIST_DEFAULT),
  listMax: id(NOTE_LIST_MAX),
  statsDefault: id(STATS_DAYS_DEFAULT),
  statsMax: id(STATS_DAYS_MAX),
  personaMax: id(PERSONA_MAX_LENGTH),
};
