/** Telegram's limit for one message's text, counted in UTF-16 code units after entity parsing. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

type Piece =
  | { kind: "open"; name: string; source: string }
  | { kind: "close"; name: string; source: string }
  /** One visible unit: a grapheme (never cut, so emoji stay whole) or an HTML entity. */
  | { kind: "text"; source: string; length: number };

type OpenTag = Extract<Piece, { kind: "open" }>;

type BoundaryKind = "paragraph" | "line" | "space";

/** Where a chunk ends: pieces [end, resume) are the whitespace dropped at the split. */
interface Cut {
  end: number;
  resume: number;
}

interface Boundary extends Cut {
  kind: BoundaryKind;
  /** Visible length of the chunk if it ends here. */
  offset: number;
}

const BOUNDARY_PREFERENCE: readonly BoundaryKind[] = ["paragraph", "line", "space"];

const TAG_OR_ENTITY =
  /<(\/?)([a-zA-Z][\w-]*)(?:[^>"']|"[^"]*"|'[^']*')*>|&(?:#\d+|#[xX][\da-fA-F]+|[a-zA-Z]\w*);/g;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Length of the text Telegram shows for `html`, in UTF-16 code units, each entity counting as its character. */
export function visibleLength(html: string): number {
  return parseHtml(html).reduce((sum, piece) => sum + (piece.kind === "text" ? piece.length : 0), 0);
}

/**
 * Splits Telegram HTML into messages of at most `limit` visible characters, cutting at a blank line, a line
 * break or a space if possible. Tags open at a cut are closed at the end of the chunk and reopened, with the
 * same attributes, at the start of the next one, so every chunk is valid on its own.
 */
export function splitTelegramHtml(html: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  // Telegram never shows more than the source's length: HTML that fits is one chunk, found without
  // cutting it into graphemes (most answers).
  return (html.length <= limit ? asOneChunk(html) : undefined) ?? splitPieces(parseHtml(html), limit);
}

/**
 * Where to cut `text` at `index` (UTF-16 units) so that no emoji or other surrogate pair is cut in two,
 * which Telegram refuses: `index`, or one less when it falls between the two halves of a pair.
 */
export function cutBeforePair(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return index > 0 && code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

/**
 * `html` as the one chunk splitPieces makes of HTML that fits: its tags still open closed at the end,
 * or no chunk when it shows no text. Undefined when it ends in an opening tag (left to splitPieces).
 */
function asOneChunk(html: string): string[] | undefined {
  const open: string[] = [];
  let text = "";
  let position = 0;
  let last: RegExpExecArray | undefined;
  for (const match of html.matchAll(TAG_OR_ENTITY)) {
    text += html.slice(position, match.index);
    const [source, slash, tag] = match;
    const name = tag?.toLowerCase();
    if (name === undefined) text += source;
    else if (!slash) open.push(name);
    else if (open.lastIndexOf(name) !== -1) open.splice(open.lastIndexOf(name));
    position = match.index + source.length;
    last = match;
  }
  text += html.slice(position);
  if (last !== undefined && last[2] !== undefined && !last[1] && position === html.length) return undefined;
  if (text.trim() === "") return [];
  return [
    html +
      open
        .map((name) => `</${name}>`)
        .reverse()
        .join(""),
  ];
}

/** Splits plain text into messages of at most `limit` characters with the same preference for boundaries. */
export function splitPlainText(text: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  return splitPieces(Array.from(textPieces(text)), limit);
}

function parseHtml(html: string): Piece[] {
  return Array.from(htmlPieces(html));
}

function* htmlPieces(html: string): Generator<Piece> {
  let position = 0;
  for (const match of html.matchAll(TAG_OR_ENTITY)) {
    yield* textPieces(html.slice(position, match.index));
    const [source, slash, name] = match;
    if (name === undefined) {
      yield { kind: "text", source, length: entityLength(source) };
    } else {
      yield { kind: slash ? "close" : "open", name: name.toLowerCase(), source };
    }
    position = match.index + source.length;
  }
  yield* textPieces(html.slice(position));
}

function* textPieces(text: string): Generator<Piece> {
  for (const { segment } of graphemes.segment(text)) {
    yield { kind: "text", source: segment, length: segment.length };
  }
}

/** A numeric entity beyond the BMP is a surrogate pair in Telegram's count; every other entity is one unit. */
function entityLength(entity: string): number {
  const numeric = /^&#(x?)([\da-f]+);$/i.exec(entity);
  if (!numeric) return 1;
  const codePoint = Number.parseInt(numeric[2] ?? "", numeric[1] ? 16 : 10);
  return codePoint > 0xffff && codePoint <= 0x10ffff ? 2 : 1;
}

function splitPieces(pieces: Piece[], limit: number): string[] {
  const dropped = new Set<number>();
  const chunks: string[] = [];
  let reopened: OpenTag[] = [];
  let start = 0;
  while (start < pieces.length) {
    const cut = findCut(pieces, start, limit, dropped);
    for (let index = cut.end; index < cut.resume; index++) dropped.add(index);
    // Tags opened right before the cut belong to the next chunk, not as empty elements in this one;
    // when nothing but opening tags is left, there is no next chunk.
    let end = cut.end;
    while (end > start && pieces[end - 1]?.kind === "open") end--;
    if (end === start) break;
    const chunk = renderChunk(pieces, start, end, reopened, dropped);
    if (chunk.hasText) chunks.push(chunk.html);
    reopened = chunk.openAtEnd;
    start = end;
  }
  return chunks;
}

/** Finds where the chunk starting at `start` ends: the whole rest if it fits, else the best boundary. */
function findCut(pieces: Piece[], start: number, limit: number, dropped: Set<number>): Cut {
  const candidates: Boundary[] = [];
  let length = 0;
  let newlineRun: { start: number; offset: number } | undefined;
  for (let index = start; index < pieces.length; index++) {
    const piece = pieces[index];
    if (piece === undefined || dropped.has(index)) continue;
    if (piece.kind !== "text") {
      newlineRun = undefined;
      continue;
    }
    if (isNewline(piece)) {
      if (newlineRun === undefined) {
        newlineRun = { start: index, offset: length };
        if (length > 0) candidates.push({ kind: "line", end: index, resume: index + 1, offset: length });
      } else if (newlineRun.offset > 0) {
        const resume = skipNewlines(pieces, index);
        candidates.push({ kind: "paragraph", end: newlineRun.start, resume, offset: newlineRun.offset });
      }
    } else {
      newlineRun = undefined;
      if (length > 0 && isSpace(piece)) {
        candidates.push({ kind: "space", end: index, resume: index + 1, offset: length });
      }
    }
    if (length + piece.length > limit) {
      // A single unit longer than the limit still has to go somewhere: it gets a chunk of its own.
      const hardCut = length === 0 ? index + 1 : index;
      return chooseBoundary(candidates, limit) ?? { end: hardCut, resume: hardCut };
    }
    length += piece.length;
  }
  return { end: pieces.length, resume: pieces.length };
}

/** Prefers a kind of boundary that leaves the chunk at least half full, so chunks are not needlessly small. */
function chooseBoundary(candidates: Boundary[], limit: number): Boundary | undefined {
  const fullEnough = candidates.filter((candidate) => candidate.offset >= limit / 2);
  for (const pool of [fullEnough, candidates]) {
    for (const kind of BOUNDARY_PREFERENCE) {
      const match = pool.findLast((candidate) => candidate.kind === kind);
      if (match) return match;
    }
  }
  return undefined;
}

function skipNewlines(pieces: Piece[], index: number): number {
  let next = index;
  while (isNewline(pieces[next])) next++;
  return next;
}

function isNewline(piece: Piece | undefined): boolean {
  return piece?.kind === "text" && (piece.source === "\n" || piece.source === "\r\n");
}

function isSpace(piece: Piece): boolean {
  return piece.kind === "text" && (piece.source === " " || piece.source === "\t");
}

function renderChunk(pieces: Piece[], start: number, end: number, reopened: OpenTag[], dropped: Set<number>) {
  const open = [...reopened];
  let html = reopened.map((tag) => tag.source).join("");
  let hasText = false;
  for (let index = start; index < end; index++) {
    const piece = pieces[index];
    if (piece === undefined || dropped.has(index)) continue;
    html += piece.source;
    if (piece.kind === "open") open.push(piece);
    if (piece.kind === "close") {
      const opened = open.findLastIndex((tag) => tag.name === piece.name);
      if (opened !== -1) open.splice(opened);
    }
    if (piece.kind === "text" && piece.source.trim() !== "") hasText = true;
  }
  html += open
    .map((tag) => `</${tag.name}>`)
    .reverse()
    .join("");
  return { html, hasText, openAtEnd: open };
}
