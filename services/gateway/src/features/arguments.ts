/** Pure parsers for command arguments: each returns a value or the reason it was rejected. */

export type Parsed<T, E extends string> = { ok: true; value: T } | { ok: false; error: E };

const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = <E extends string>(error: E) => ({ ok: false as const, error });

/** Ids are PostgreSQL bigints: at most 18 digits keeps every accepted value inside int8. */
const ID_PATTERN = /^[1-9]\d{0,17}$/;

export function parseId(raw: string): Parsed<string, "invalid"> {
  const trimmed = raw.trim();
  return ID_PATTERN.test(trimmed) ? ok(trimmed) : fail("invalid");
}

/** An optional positive count such as N in `/note_list [N]`: empty gives the default. */
export function parseCount(
  raw: string,
  bounds: { default: number; max: number },
): Parsed<number, "invalid" | "out_of_range"> {
  const trimmed = raw.trim();
  if (trimmed === "") return ok(bounds.default);
  if (!/^\d{1,9}$/.test(trimmed)) return fail(/^[+-]?\d+$/.test(trimmed) ? "out_of_range" : "invalid");
  const value = Number(trimmed);
  return value >= 1 && value <= bounds.max ? ok(value) : fail("out_of_range");
}

/** PostgreSQL text cannot hold NUL; such input is refused rather than silently altered. */
export const hasUnstorableCharacters = (text: string) => text.includes("\u0000");

/** Note text: trimmed, non-empty, at most `maxLength` characters as Telegram counts them (`characterCount`). */
export function parseNoteText(
  raw: string,
  maxLength: number,
): Parsed<string, "empty" | "too_long" | "unstorable"> {
  const text = raw.trim();
  if (text === "") return fail("empty");
  if (hasUnstorableCharacters(text)) return fail("unstorable");
  return characterCount(text) <= maxLength ? ok(text) : fail("too_long");
}

/**
 * A text's length as Telegram counts it for its limits: UTF-16 code units (an emoji is usually two).
 * Every limit on what users send or are sent is in these units, so what is accepted can be shown.
 */
export const characterCount = (text: string): number => text.length;

/** Splits `<id> <rest>`; the rest keeps its inner line breaks. */
export function splitFirstWord(raw: string): [first: string, rest: string] {
  const match = /^\s*(\S*)\s*([\s\S]*)$/.exec(raw);
  return [match?.[1] ?? "", match?.[2] ?? ""];
}

/** `%`, `_` and `\` in a user's search text are literal characters, not LIKE wildcards. */
export function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Model ids are PostgreSQL integers: nine digits at most stays inside int4. */
export function parseModelId(raw: string): Parsed<number, "invalid"> {
  const trimmed = raw.trim();
  return /^[1-9]\d{0,8}$/.test(trimmed) ? ok(Number(trimmed)) : fail("invalid");
}
