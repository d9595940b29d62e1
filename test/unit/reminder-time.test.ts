/** Reading a reminder's time: Russian and English phrases on the user's clock, zones with daylight saving, the past. */
import { describe, expect, it } from "vitest";
import { instantOfChoice, parseReminder } from "../../services/gateway/src/features/reminders/when.js";
import { canonicalZone, formatInZone } from "../../services/gateway/src/features/reminders/zone.js";
import { LOCALES } from "../../shared/src/domain/index.js";
import { reminderActionOf, reminderCallbackData } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";

// Monday 2026-12-07, 10:30 UTC (13:30 in Moscow, 05:30 in New York).
const now = new Date("2026-12-07T10:30:00Z");
const read = (input: string, zone = "UTC", locale: "ru" | "en" = "ru") => {
  const when = parseReminder(input, zone, locale, now);
  return when.ok ? { at: formatInZone(when.at, zone), text: when.text } : when;
};

describe("reminder times", () => {
  it("reads Russian phrases on the user's clock", () => {
    expect(read("через 2 часа купить молоко", "Europe/Moscow")).toEqual({
      at: "2026-12-07 15:30",
      text: "купить молоко",
    });
    expect(read("завтра в 9 позвонить маме", "Europe/Moscow")).toEqual({
      at: "2026-12-08 09:00",
      text: "позвонить маме",
    });
    expect(read("в пятницу 15:00 отчёт", "Europe/Moscow")).toEqual({ at: "2026-12-11 15:00", text: "отчёт" });
    expect(read("через 10 минут: чай")).toEqual({ at: "2026-12-07 10:40", text: "чай" });
    // The time may close the text too.
    expect(read("купить хлеб завтра в 18:30", "Europe/Moscow")).toEqual({
      at: "2026-12-08 18:30",
      text: "купить хлеб",
    });
  });

  it("reads English phrases, and either language whatever the user's", () => {
    expect(read("in 2 hours call mom", "America/New_York", "en")).toEqual({
      at: "2026-12-07 07:30",
      text: "call mom",
    });
    expect(read("tomorrow 9am standup", "America/New_York", "en")).toEqual({
      at: "2026-12-08 09:00",
      text: "standup",
    });
    expect(read("tomorrow 9am standup", "UTC", "ru")).toEqual({ at: "2026-12-08 09:00", text: "standup" });
    expect(read("завтра в 9 зарядка", "UTC", "en")).toEqual({ at: "2026-12-08 09:00", text: "зарядка" });
  });

  it("keeps seconds to the second (the delay is exact)", () => {
    const when = parseReminder("10:30:02 x", "UTC", "en", now);
    expect(when).toEqual({ ok: true, at: new Date("2026-12-07T10:30:02Z"), text: "x" });
    // 13:30:05 in Moscow is 10:30:05 UTC.
    expect(parseReminder("13:30:05 x", "Europe/Moscow", "ru", now)).toMatchObject({
      at: new Date("2026-12-07T10:30:05Z"),
    });
  });

  it("reads a time after a daylight-saving change with that day's offset", () => {
    // New York: UTC−5 now, UTC−4 from 2027-03-14.
    const when = parseReminder("March 20 2027 9:00 dentist", "America/New_York", "en", now);
    expect(when).toEqual({ ok: true, at: new Date("2027-03-20T13:00:00Z"), text: "dentist" });
  });

  it("tells the past, nonsense, a missing text and too far ahead apart", () => {
    expect(read("2020-01-01 10:00 x", "UTC", "en")).toMatchObject({ ok: false, error: "past" });
    expect(read("вчера в 9 x")).toMatchObject({ ok: false, error: "past" });
    expect(read("когда-нибудь потом")).toEqual({ ok: false, error: "unreadable" });
    expect(read("blah blah", "UTC", "en")).toEqual({ ok: false, error: "unreadable" });
    expect(read("завтра в 9")).toEqual({ ok: false, error: "no_text" });
    expect(read("2030-01-01 10:00 x", "UTC", "en")).toMatchObject({ ok: false, error: "too_far" });
  });

  it("every example the bot gives of what works does work, in both languages", () => {
    for (const locale of LOCALES) {
      const examples = createLocalizer()
        .of(locale)
        .remind.usage("UTC")
        .split("\n")
        .filter((line) => line.startsWith("/remind "));
      expect(examples.length, locale).toBeGreaterThanOrEqual(4);
      for (const example of examples)
        expect(parseReminder(example.slice("/remind ".length), "UTC", locale, now), example).toMatchObject({
          ok: true,
        });
    }
  });

  it("gives the ready-made choices on the user's clock", () => {
    expect(instantOfChoice("hour", "Europe/Moscow", now)).toEqual(new Date("2026-12-07T11:30:00Z"));
    expect(formatInZone(instantOfChoice("tomorrow", "Europe/Moscow", now), "Europe/Moscow")).toBe(
      "2026-12-08 09:00",
    );
    // 01:30 on the 8th in Moscow (22:30 UTC on the 7th): tomorrow is the 9th there.
    const late = new Date("2026-12-07T22:30:00Z");
    expect(formatInZone(instantOfChoice("tomorrow", "Europe/Moscow", late), "Europe/Moscow")).toBe(
      "2026-12-09 09:00",
    );
  });

  it("accepts IANA zone names only, spelled canonically", () => {
    expect(canonicalZone("europe/moscow")).toBe("Europe/Moscow");
    expect(canonicalZone("UTC")).toBe("UTC");
    for (const bad of ["Mars/Olympus", "+03:00", "", "Europe/Moscow; DROP"])
      expect(canonicalZone(bad), bad).toBeUndefined();
  });

  it("round-trips the buttons' callback data and refuses anything else", () => {
    for (const action of [
      { action: "note", id: "12", choice: "hour" },
      { action: "snooze", id: "7", choice: "tomorrow" },
      { action: "done", id: "7" },
      { action: "cancel", id: "999999999999999999" },
    ] as const) {
      const data = reminderCallbackData(action);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(reminderActionOf(data)).toEqual(action);
    }
    for (const bad of ["rem:done:0", "rem:snooze:1", "rem:snooze:1:week", "rem:done:1:hour", "save:x"])
      expect(reminderActionOf(bad), bad).toBeUndefined();
  });
});
