/** What the note commands say: /note_add, /note_list, /note_find, /note_edit, /note_del, /note_count, /note_export, /note_stats. */
import type { NoteView } from "../domain/index.js";
import { echo, formatDateTime, id, limits, noteMarks, type Translate } from "./translate.js";

export const notesTexts = (t: Translate) => ({
  invalidId: (raw: string) => t("invalid-id", { raw: echo(raw) }),
  noteTooLong: (length: number) => t("note-too-long", { length: id(length), ...limits }),
  unstorableCharacters: t("unstorable-characters"),

  noteAdded: (noteId: string) => t("note-added", { id: noteId }),
  noteEdited: (noteId: string) => t("note-edited", { id: noteId }),
  noteDeleted: (noteId: string) => t("note-deleted", { id: noteId }),
  noteNotFound: (noteId: string) => t("note-not-found", { id: noteId }),
  noteCount: (n: number) => t("note-count", { count: n }),
  noNotes: t("no-notes"),
  note: (note: NoteView) =>
    `#${note.id} · ${formatDateTime(note.createdAt)}${noteMarks(note)}${note.text === "" ? "" : `\n${note.text}`}`,
  listHeader: (shown: number) => t("list-header", { shown: id(shown) }),
  findHeader: (query: string, shown: number, total: number) =>
    t("find-header", {
      total,
      shown: id(shown),
      query: echo(query, 200),
      more: total > shown ? "yes" : "no",
    }),
  findNothing: (query: string) => t("find-nothing", { query: echo(query, 200) }),
  exportCaption: (n: number) => t("export-caption", { count: id(n) }),
  exportCaptionPart: (part: number) => t("export-caption-part", { part: id(part) }),
  exportEmpty: t("export-empty"),
  statsHeader: (days: number, total: number) => t("stats-header", { days, total: id(total) }),
  statsOnlyNonEmpty: t("stats-only-non-empty"),
});
