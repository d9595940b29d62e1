/**
 * `/note_export` streamed: the user's notes are read from PostgreSQL a page at a time and written into
 * `.txt` documents of at most `maxBytes` each, so neither memory nor Telegram's upload limit grows with
 * the number of notes. A part is re-read from its start whenever Telegram's upload is retried.
 */
import { InputFile } from "grammy";
import { formatExportNote } from "./format.js";
import type { NoteKey, NotesRepository } from "./repository.js";

/** Telegram accepts documents of up to 50 MB from bots; a part stays well below it. */
export const EXPORT_PART_MAX_BYTES = 45_000_000;
/** Notes read per query: with notes of at most a few kilobytes, a page stays within a few megabytes. */
const PAGE_SIZE = 500;

/** One document of the export, and where the next one starts (none when this was the last). */
export interface ExportPart {
  file: InputFile;
  /** Known once the part has been read to its end (after the upload). */
  readonly next: NoteKey | undefined;
  readonly notes: number;
}

/**
 * The export's documents in order; each is read while it is uploaded. `maxBytes` must hold the largest
 * single note (a part always takes at least one).
 */
export async function* exportParts(
  notes: NotesRepository,
  userId: number,
  { maxBytes = EXPORT_PART_MAX_BYTES, pageSize = PAGE_SIZE, filename = `notes-${userId}` } = {},
): AsyncGenerator<ExportPart> {
  let start: NoteKey | undefined;
  for (let index = 1; ; index++) {
    const from = start;
    const state = { next: undefined as NoteKey | undefined, notes: 0, read: false };
    const part: ExportPart = {
      // A supplier, so a retried upload reads the part afresh instead of reusing a spent stream.
      file: new InputFile(
        () => readPart(notes, userId, from, { maxBytes, pageSize }, state),
        index === 1 ? `${filename}.txt` : `${filename}-${index}.txt`,
      ),
      get next() {
        return state.next;
      },
      get notes() {
        return state.notes;
      },
    };
    yield part;
    if (!state.read) throw new Error("an export part was not read before the next one was asked for");
    if (state.next === undefined) return;
    start = state.next;
  }
}

async function* readPart(
  notes: NotesRepository,
  userId: number,
  from: NoteKey | undefined,
  { maxBytes, pageSize }: { maxBytes: number; pageSize: number },
  state: { next: NoteKey | undefined; notes: number; read: boolean },
): AsyncGenerator<Uint8Array> {
  let after = from;
  let bytes = 0;
  let count = 0;
  for (;;) {
    const page = await notes.page(userId, after, pageSize);
    const chunks: Buffer[] = [];
    for (const { note, key } of page) {
      const block = Buffer.from(formatExportNote(note), "utf8");
      if (count > 0 && bytes + block.length > maxBytes) {
        // The part is full: the next one starts right after the last note this one holds.
        if (chunks.length > 0) yield Buffer.concat(chunks);
        Object.assign(state, { next: after, notes: count, read: true });
        return;
      }
      chunks.push(block);
      bytes += block.length;
      count++;
      after = key;
    }
    if (chunks.length > 0) yield Buffer.concat(chunks);
    if (page.length < pageSize) {
      Object.assign(state, { next: undefined, notes: count, read: true });
      return;
    }
  }
}
