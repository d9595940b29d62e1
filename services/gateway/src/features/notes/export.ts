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

/**
 * The export's documents in order; each is read while it is uploaded. `maxBytes` must hold the largest
 * single note (a part always takes at least one).
 */
export async function* exportParts(
  notes: NotesRepository,
  userId: number,
  { maxBytes = EXPORT_PART_MAX_BYTES, pageSize = PAGE_SIZE, filename = `notes-${userId}` } = {},
): AsyncGenerator<InputFile> {
  let start: NoteKey | undefined;
  for (let index = 1; ; index++) {
    const from = start;
    const state: PartState = { next: undefined, read: false };
    // A supplier, so a retried upload reads the part afresh instead of reusing a spent stream.
    yield new InputFile(
      () => readPart(notes, userId, from, { maxBytes, pageSize }, state),
      index === 1 ? `${filename}.txt` : `${filename}-${index}.txt`,
    );
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
  state: PartState,
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
        Object.assign(state, { next: after, read: true });
        return;
      }
      chunks.push(block);
      bytes += block.length;
      count++;
      after = key;
    }
    if (chunks.length > 0) yield Buffer.concat(chunks);
    if (page.length < pageSize) {
      Object.assign(state, { next: undefined, read: true });
      return;
    }
  }
}

/** Where the next part starts (none after the last), known once a part has been read to its end. */
interface PartState {
  next: NoteKey | undefined;
  read: boolean;
}
