import { describe, expect, it } from "vitest";
import {
  likePattern,
  parseCount,
  parseId,
  parseModelId,
  parseNoteText,
  splitFirstWord,
} from "../../services/gateway/src/features/arguments.js";
import { packBlocks } from "../../services/gateway/src/features/reply.js";

describe("command arguments", () => {
  it("accepts only positive integer note ids that fit a bigint", () => {
    expect(parseId(" 42 ")).toEqual({ ok: true, value: "42" });
    expect(parseId("999999999999999999")).toEqual({ ok: true, value: "999999999999999999" });
    for (const bad of ["", "abc", "-1", "0", "007", "1.5", "1e3", "99999999999999999999", "١٢"]) {
      expect(parseId(bad), bad).toEqual({ ok: false, error: "invalid" });
    }
  });

  it("parses an optional count with a default and a maximum", () => {
    const bounds = { default: 10, max: 50 };
    expect(parseCount("", bounds)).toEqual({ ok: true, value: 10 });
    expect(parseCount(" 50 ", bounds)).toEqual({ ok: true, value: 50 });
    expect(parseCount("51", bounds)).toEqual({ ok: false, error: "out_of_range" });
    expect(parseCount("0", bounds)).toEqual({ ok: false, error: "out_of_range" });
    expect(parseCount("-1", bounds)).toEqual({ ok: false, error: "out_of_range" });
    expect(parseCount("99999999999999999999", bounds)).toEqual({ ok: false, error: "out_of_range" });
    expect(parseCount("abc", bounds)).toEqual({ ok: false, error: "invalid" });
    expect(parseCount("5 6", bounds)).toEqual({ ok: false, error: "invalid" });
  });

  it("model ids fit PostgreSQL integer", () => {
    expect(parseModelId("12")).toEqual({ ok: true, value: 12 });
    expect(parseModelId("9999999999")).toEqual({ ok: false, error: "invalid" });
  });

  it("counts note length as Telegram does, so an emoji outside the BMP counts twice", () => {
    expect(parseNoteText(`  ${"🙂".repeat(5)}  `, 10)).toEqual({ ok: true, value: "🙂".repeat(5) });
    expect(parseNoteText("🙂".repeat(6), 10)).toEqual({ ok: false, error: "too_long" });
    expect(parseNoteText("ж".repeat(10), 10)).toEqual({ ok: true, value: "ж".repeat(10) });
    expect(parseNoteText(" \n ", 5)).toEqual({ ok: false, error: "empty" });
  });

  it("splits an id from multi-line text", () => {
    expect(splitFirstWord(" 12  первая\nвторая ")).toEqual(["12", "первая\nвторая "]);
    expect(splitFirstWord("")).toEqual(["", ""]);
  });

  it("escapes LIKE wildcards so they match literally", () => {
    expect(likePattern("50%_a\\b")).toBe("%50\\%\\_a\\\\b%");
  });
});

describe("long replies", () => {
  it("packs blocks into as few messages as fit, in order, never cutting a block", () => {
    const blocks = ["a".repeat(3000), "b".repeat(1000), "c".repeat(100), "d".repeat(4000)];
    const messages = packBlocks(blocks);
    expect(messages.map((m) => m.length)).toEqual([3000 + 2 + 1000, 100, 4000]);
    expect(messages.join("\n\n")).toBe(blocks.join("\n\n"));
  });
});
