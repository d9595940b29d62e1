/**
 * Reads the time of a reminder, `<when> <text>` or `<text> <when>`, in Russian or English, on the
 * user's clock: chrono-node's parsers (the user's language first, then the other), given the user's
 * zone as its UTC offset. chrono takes one fixed offset, so a time on the far side of a daylight-saving
 * change is read again with the offset of that day.
 */
import {
  type Locale,
  REMINDER_AHEAD_MAX_DAYS,
  REMINDER_TOMORROW_HOUR,
  type ReminderChoice,
} from "@notesbot/shared/domain";
import type { Chrono, ParsedResult } from "chrono-node";
// The two languages' parsers only (the package's root imports every language's: a slower start).
import * as en from "chrono-node/en";
import * as ru from "chrono-node/ru";
import { offsetMinutes } from "./zone.js";

export type When =
  | { ok: true; at: Date; text: string }
  | { ok: false; error: "unreadable" | "no_text" }
  | { ok: false; error: "past" | "too_far"; at: Date };

const PARSERS: Record<Locale, Chrono> = { ru: ru.casual, en: en.casual };

/** Separators users put between the time and the text ("завтра в 9: купить", "tomorrow - call"). */
const SEPARATORS = /^[\s,:;.—–-]+|[\s,:;.—–-]+$/g;

/** The instant `found` names on `zone`'s clock (read by `parser` from `input` with now's offset). */
function instantOf(parser: Chrono, found: ParsedResult, input: string, zone: string, now: Date) {
  const at = found.start.date();
  const offsetThen = offsetMinutes(zone, at);
  if (offsetThen === offsetMinutes(zone, now)) return at;
  // Another offset on that day (daylight saving): the same words on that day's clock.
  const again = parser.parse(input, { instant: now, timezone: offsetThen }, { forwardDate: true });
  return again.find((r) => r.index === found.index)?.start.date() ?? at;
}

/**
 * The time and the text of `/remind <input>` for a user in `zone`, `now` being the reference: the
 * time must open or close the input, be in the future and within REMINDER_AHEAD_MAX_DAYS.
 */
export function parseReminder(input: string, zone: string, locale: Locale, now = new Date()): When {
  const trimmed = input.trim();
  const order: Locale[] = locale === "ru" ? ["ru", "en"] : ["en", "ru"];
  for (const language of order) {
    const parser = PARSERS[language];
    const results = parser.parse(
      trimmed,
      { instant: now, timezone: offsetMinutes(zone, now) },
      { forwardDate: true },
    );
    const opening = results.find((r) => r.index === 0);
    const closing = [...results].reverse().find((r) => r.index + r.text.length === trimmed.length);
    const found = opening ?? closing;
    if (found === undefined) continue;
    const at = instantOf(parser, found, trimmed, zone, now);
    const text = (trimmed.slice(0, found.index) + trimmed.slice(found.index + found.text.length)).replace(
      SEPARATORS,
      "",
    );
    return checked(at, text, now);
  }
  return { ok: false, error: "unreadable" };
}

function checked(at: Date, text: string, now: Date): When {
  if (at.getTime() <= now.getTime()) return { ok: false, error: "past", at };
  if (at.getTime() - now.getTime() > REMINDER_AHEAD_MAX_DAYS * 86_400_000)
    return { ok: false, error: "too_far", at };
  if (text === "") return { ok: false, error: "no_text" };
  return { ok: true, at, text };
}

/** The instant of a ready-made choice: an hour from now, or tomorrow at REMINDER_TOMORROW_HOUR on the zone's clock. */
export function instantOfChoice(choice: ReminderChoice, zone: string, now = new Date()): Date {
  if (choice === "hour") return new Date(now.getTime() + 3_600_000);
  const parser = PARSERS.en;
  const input = `tomorrow at ${REMINDER_TOMORROW_HOUR}:00`;
  const [found] = parser.parse(input, { instant: now, timezone: offsetMinutes(zone, now) });
  if (found === undefined) throw new Error("chrono read no time in its own phrase");
  return instantOf(parser, found, input, zone, now);
}
