/**
 * `/note_import`: reads the notes of a file — a JSON export of this bot (an array of {text, created_at?,
 * origin?}), a Markdown list of "- " items (further lines indented), or a text file with one note per
 * paragraph — or says what is wrong with it. Pure: the composer downloads the file and stores the notes.
 */
import { IMPORT_MAX_NOTES, NOTE_MAX_LENGTH, type NoteOrigin } from "@notesbot/shared/domain";
import type { ImportProblem } from "@notesbot/shared/texts";
import { characterCount, hasUnstorableCharacters } from "../arguments.js";
import type { ImportedNote } from "./repository.js";

export type ImportFormat = "json" | "md" | "txt";
export type ImportResult = { ok: true; notes: ImportedNote[] } | { ok: false; problem: ImportProblem };

/** The format of a document, by its name's extension, else its MIME type; undefined when not importable. */
export function importFormatOf(
  fileName: string | undefined,
  mimeType: string | undefined,
): ImportFormat | undefined {
  const extension = /\.([a-z]+)$/i.exec(fileName ?? "")?.[1]?.toLowerCase();
  if (extension === "json") return "json";
  if (extension === "md" || extension === "markdown") return "md";
  if (extension === "txt") return "txt";
  if (mimeType === "application/json") return "json";
  if (mimeType === "text/markdown") return "md";
  if (mimeType === "text/plain") return "txt";
  return undefined;
}

export function parseImport(bytes: Uint8Array, format: ImportFormat): ImportResult {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return fail({ problem: "encoding" });
  }
  const read =
    format === "json" ? readJson(text) : format === "md" ? readMarkdown(text) : readParagraphs(text);
  if (!read.ok) return read;
  return checked(read.notes);
}

const fail = (problem: ImportProblem): ImportResult => ({ ok: false, problem });

/** The limits every format shares: some notes, not too many, each storable and within a note's length. */
function checked(notes: ImportedNote[]): ImportResult {
  if (notes.length === 0) return fail({ problem: "empty" });
  if (notes.length > IMPORT_MAX_NOTES) return fail({ problem: "too-many", count: notes.length });
  for (const [index, note] of notes.entries()) {
    if (hasUnstorableCharacters(note.text)) return fail({ problem: "nul", item: index + 1 });
    const length = characterCount(note.text);
    if (length > NOTE_MAX_LENGTH) return fail({ problem: "too-long", item: index + 1, length });
  }
  return { ok: true, notes };
}

function readJson(text: string): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail({ problem: "json" });
  }
  if (!Array.isArray(data)) return fail({ problem: "not-array" });
  const notes: ImportedNote[] = [];
  for (const [index, item] of data.entries()) {
    const note = item as { text?: unknown; created_at?: unknown; origin?: unknown } | null;
    const body = typeof note?.text === "string" ? note.text.trim() : "";
    if (body === "") return fail({ problem: "item", item: index + 1 });
    notes.push({ text: body, createdAt: dateOf(note?.created_at), origin: originOf(note?.origin) });
  }
  return { ok: true, notes };
}

/** An export's date, if it is one and not in the future; otherwise the note is dated now. */
function dateOf(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date.getTime() > Date.now() ? undefined : date;
}

const ORIGIN_KINDS = new Set(["user", "hidden_user", "chat", "channel"]);

/** An export's origin, if it has the shape of one (a link only to t.me). */
function originOf(value: unknown): NoteOrigin | undefined {
  const origin = value as { kind?: unknown; name?: unknown; link?: unknown } | null | undefined;
  if (typeof origin?.name !== "string" || origin.name === "" || origin.name.length > 256) return undefined;
  if (typeof origin.kind !== "string" || !ORIGIN_KINDS.has(origin.kind)) return undefined;
  const link =
    typeof origin.link === "string" && /^https:\/\/t\.me\/\w+\/\d+$/.test(origin.link)
      ? origin.link
      : undefined;
  return { kind: origin.kind as NoteOrigin["kind"], name: origin.name, ...(link ? { link } : {}) };
}

/** "- " items; a line indented by two spaces (or blank, inside an item) continues the item. */
function readMarkdown(text: string): ImportResult {
  const notes: string[][] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const current = notes.at(-1);
    if (line.startsWith("- ") || line === "-") notes.push([line.slice(2)]);
    else if (line.startsWith("  ") && current) current.push(line.slice(2));
    else if (line.trim() === "") current?.push("");
    else if (!line.startsWith("#")) return fail({ problem: "md-line", line: index + 1 });
  }
  return {
    ok: true,
    notes: notes.map((lines) => ({ text: lines.join("\n").trim() })).filter((note) => note.text !== ""),
  };
}

/** Paragraphs: blocks of lines separated by blank lines. */
function readParagraphs(text: string): ImportResult {
  const notes = text
    .split(/\r?\n(?:[ \t]*\r?\n)+/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== "")
    .map((paragraph) => ({ text: paragraph.replace(/\r\n/g, "\n") }));
  return { ok: true, notes };
}
