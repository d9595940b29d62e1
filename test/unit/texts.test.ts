/** Every text exists in both languages, and English users read no Russian (nor Russian users a missing text). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS, LOCALES, localeOf } from "../../shared/src/domain/index.js";
import { createLocalizer, LOCALES_DIRECTORY, type Texts } from "../../shared/src/texts/index.js";

const localizer = createLocalizer();

/** Message ids of a locale's Fluent files (top-level entries; attributes and variants are inside them). */
const messageIds = (locale: string) =>
  readdirSync(join(LOCALES_DIRECTORY, locale))
    .flatMap((file) => readFileSync(join(LOCALES_DIRECTORY, locale, file), "utf8").split("\n"))
    .map((line) => /^([a-z][\w-]*)\s*=/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();

const model = { id: 1, key: "k", label: "L", active: true, available: true, contextLength: 8192 };

/** Every string the texts can produce, with sample arguments for the functions. */
function everyText(texts: Texts): string[] {
  const samples: Record<string, unknown[]> = {
    note: [{ id: "7", text: "x", createdAt: new Date(0) }],
    modelLine: [{ ...model, available: false }, true],
    none: [model],
    shown: [{ ...model, available: false }, model],
    set: [model],
    unavailable: [model],
    gone: [model],
    presetName: ["translator"],
    presetText: ["translator"],
    currentPreset: ["teacher"],
    setPreset: ["editor"],
    activeModel: [model],
    modelSwitched: [model],
    modelUnavailable: [model],
    noAvailableModel: [model],
    report: [
      {
        available: 1,
        total: 2,
        madeUnavailable: ["a"],
        madeAvailable: ["b"],
        newFree: [],
        activeLost: model,
      },
    ],
    newLine: [{ key: "k", name: "N", contextLength: 8192 }],
    exists: ["k", 3],
    added: [model],
    user: [{ asksToday: 1, tokensToday: 19, asks: 3, tokens: 57 }],
    bot: [{ asksToday: 1, tokensToday: 19, asks: 3, tokens: 57 }],
    key: [{ isFreeTier: true, limit: null, limitRemaining: 2.5, usageDaily: 0 }],
    freeLeft: [47, 50],
    start: ["Ann", "NotesBot"],
    help: ["NotesBot"],
    saved: ["7", "Channel", 2, true],
    albumSaved: ["7", "Channel", 3, 1, true],
    nothing: ["q"],
    imported: [3, 2],
    malformed: [{ problem: "too-long", item: 2, length: 3500 }],
    findHeader: ["q", 5, 12],
    statsHeader: [3, 12],
    retrying: ["503", 2, 4],
    footer: [1234, "k"],
    failure: ["503", "x"],
    notesRequest: ["#1 (2026-01-01 00:00 UTC): x", "q"],
    digestRequest: [7, "#1 (2026-01-01 00:00 UTC): x"],
    digestFooter: [1234, "k", 3, 5],
    activeLost: ["k", "L"],
    modelLost: ["k", "L"],
    freeCapUnknown: [3, { freeTier: 50, withCredits: 1000, creditsThreshold: 10 }],
    unreadable: ["x", "UTC"],
    past: ["2026-01-01 09:00", "UTC"],
    tooFar: ["2028-01-01 09:00", "UTC"],
    scheduled: ["1", "2026-01-01 09:00", "UTC"],
    changed: ["UTC", "2026-01-01 09:00"],
    header: [3, "UTC"],
    line: ["1", "2026-01-01 09:00", "x"],
    fired: ["1", "x"],
    snoozed: ["1", "2026-01-01 09:00", "UTC"],
    current: ["UTC", "2026-01-01 09:00"],
    noteButton: ["tomorrow"],
    snoozeButton: ["hour"],
    tooBig: ["image", 6_000_000, 5_242_880],
    fileTooLong: ["notes.txt", "k", 5_000, 4_096],
  };
  const out: string[] = [];
  const walk = (value: unknown, name: string) => {
    if (typeof value === "string") out.push(value);
    else if (typeof value === "function") {
      for (const args of [
        samples[name] ?? ["1"],
        samples[name] ? undefined : [0],
        samples[name] ? undefined : [22],
      ]) {
        if (args) out.push(String((value as (...a: unknown[]) => unknown)(...args)));
      }
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) walk(item, key);
    }
  };
  walk(texts, "");
  return out;
}

describe("texts in two languages", () => {
  it("has the same messages in every Fluent file", () => {
    const [first, ...others] = LOCALES.map(messageIds);
    expect(first?.length).toBeGreaterThan(50);
    for (const ids of others) expect(ids).toEqual(first);
  });

  it("gives English users English, with no Russian word and no missing message", () => {
    const en = everyText(localizer.of("en"));
    expect(en.length).toBeGreaterThan(80);
    for (const text of en) {
      expect(text, text).not.toMatch(/[а-яё]/i);
      // Fluent shows a missing message as its id.
      expect(text, text).not.toMatch(/^[a-z]+(-[a-z0-9_]+)+$/);
    }
  });

  it("gives Russian users Russian, with no missing message", () => {
    for (const text of everyText(localizer.of("ru"))) {
      expect(text, text).not.toMatch(/^[a-z]+(-[a-z0-9_]+)+$/);
    }
    expect(localizer.of("ru").noteCount(21)).toBe("У вас 21 заметка.");
    expect(localizer.of("ru").noteCount(3)).toBe("У вас 3 заметки.");
    expect(localizer.of("ru").noteCount(11)).toBe("У вас 11 заметок.");
    expect(localizer.of("en").noteCount(1)).toBe("You have 1 note.");
    expect(localizer.of("en").noteCount(2)).toBe("You have 2 notes.");
    expect(localizer.of("en").noteCount(0)).toBe("You have no notes yet.");
    expect(localizer.of("ru").ask.digestFooter(5, "k", 1, 500)).toBe(
      "(5 мс; модель: k; по 1 заметке из 500)",
    );
    expect(localizer.of("ru").ask.digestFooter(5, "k", 120, 500)).toBe(
      "(5 мс; модель: k; по 120 заметкам из 500)",
    );
    expect(localizer.of("en").ask.digestFooter(5, "k", 1, 1)).toBe("(5 ms; model: k; from 1 of 1 note)");
    expect(localizer.of("en").ask.digestFooter(5, "k", 120, 500)).toBe(
      "(5 ms; model: k; from 120 of 500 notes)",
    );
  });

  it("/help lists each command of the menu once, and nothing else, in both languages", () => {
    for (const locale of LOCALES) {
      const listed =
        localizer
          .of(locale)
          .help("NotesBot")
          // The list, up to the footer after it.
          .split("\n\n")[0]
          ?.split("\n")
          .map((line) => /^\/(\w+)/.exec(line)?.[1])
          .filter((command): command is string => command !== undefined) ?? [];
      expect([...listed].sort(), locale).toEqual([...COMMANDS].sort());
    }
  });

  it("picks Russian for ru, uk, be and kk, English otherwise", () => {
    expect(["ru", "uk", "be", "kk", "ru-RU", undefined].map(localeOf)).toEqual(Array(6).fill("ru"));
    expect(["en", "de", "en-GB", "pt-br"].map(localeOf)).toEqual(Array(4).fill("en"));
  });
});
