/**
 * `/note_export` streamed: the user's notes are read from PostgreSQL a page at a time and written into
 * documents (`.txt`, `.json` or `.md`) of at most `maxBytes` each, so neither memory nor Telegram's
 * upload limit grows with the number of notes; each part is a whole file of its format (a JSON part is
 * an array of its own). A part is re-read from its start whenever Telegram's upload is retried.
 */
import { InputFile } from "grammy";
import { EXPORT_FORMATS, type ExportFormat } from "./format.js";
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
  {
    maxBytes = EXPORT_PART_MAX_BYTES,
    pageSize = PAGE_SIZE,
    filename = `notes-${userId}`,
    format = EXPORT_FORMATS.txt,
  }: { maxBytes?: number; pageSize?: number; filename?: string; format?: ExportFormat } = {},
): AsyncGenerator<InputFile> {
  let start: NoteKey | undefined;
  for (let index = 1; ; index++) {
    const from = start;
    const state: PartState = { next: undefined, read: false };
    // A supplier, so a retried upload reads the part afresh instead of reusing a spent stream.
    yield new InputFile(
      () => readPart(notes, userId, from, { maxBytes, pageSize, format }, state),
      index === 1 ? `${filename}.${format.extension}` : `${filename}-${index}.${format.extension}`,
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
  { maxBytes, pageSize, format }: { maxBytes: number; pageSize: number; format: ExportFormat },
  state: PartState,
): AsyncGenerator<Uint8Array> {
  const tail = Buffer.from(format.tail, "utf8");
  let after = from;
  let bytes = Buffer.byteLength(format.head) + tail.length;
  let count = 0;
  if (format.head !== "") yield Buffer.from(format.head, "utf8");
  for (;;) {
    const page = await notes.page(userId, after, pageSize);
    const chunks: Buffer[] = [];
    for (const { note, key } of page) {
      const block = Buffer.from(format.item(note, count === 0), "utf8");
      if (count > 0 && bytes + block.length > maxBytes) {
        // The part is full: the next one starts right after the last note this one holds.
        chunks.push(tail);
        yield Buffer.concat(chunks);
        Object.assign(state, { next: after, read: true });
        return;
      }
      chunks.push(block);
      bytes += block.length;
      count++;
      after = key;
    }
    if (page.length < pageSize) {
      chunks.push(tail);
      if (chunks.some((chunk) => chunk.length > 0)) yield Buffer.concat(chunks);
      Object.assign(state, { next: undefined, read: true });
      return;
    }
    if (chunks.length > 0) yield Buffer.concat(chunks);
  }
}

/** Where the next part starts (none after the last), known once a part has been read to its end. */
interface PartState {
  next: NoteKey | undefined;
  read: boolean;
}
