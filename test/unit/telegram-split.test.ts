import { describe, expect, it } from "vitest";
import {
  cutBeforePair,
  markdownToTelegramHtml,
  splitPlainText,
  splitTelegramHtml,
  visibleLength,
} from "../../shared/src/telegram/index.js";

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"' };

/** The text a user sees: tags removed, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&(?:lt|gt|amp|quot);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Checks that every tag opened in a chunk is closed in it, in order, and nothing is cut inside markup. */
function isWellFormed(html: string): boolean {
  const open: string[] = [];
  const markup = /<(\/?)([a-z-]+)(?: [a-z-]+="[^"<>]*")*>|&(?:lt|gt|amp|quot|#\d+|#x[\da-f]+);/gi;
  let position = 0;
  for (const match of html.matchAll(markup)) {
    if (/[<>&]/.test(html.slice(position, match.index))) return false;
    position = match.index + match[0].length;
    const [, slash, name] = match;
    if (name === undefined) continue;
    if (!slash) open.push(name);
    else if (open.pop() !== name) return false;
  }
  return !/[<>&]/.test(html.slice(position)) && open.length === 0;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function expectValidChunks(chunks: string[], limit: number): void {
  for (const chunk of chunks) {
    expect(isWellFormed(chunk), chunk).toBe(true);
    expect(visibleLength(chunk)).toBeLessThanOrEqual(limit);
    expect(LONE_SURROGATE.test(chunk)).toBe(false);
    expect(visibleText(chunk).trim()).not.toBe("");
  }
}

function withoutWhitespace(text: string): string {
  return text.replace(/\s+/g, "");
}

describe("visibleLength", () => {
  it("counts what Telegram shows, in UTF-16 code units", () => {
    expect(visibleLength("<b>ab</b>")).toBe(2);
    expect(visibleLength('<a href="https://example.com/?a=1&amp;b=2">x</a>')).toBe(1);
    expect(visibleLength("&amp;&lt;&gt;&quot;")).toBe(4);
    expect(visibleLength("😀")).toBe(2);
    expect(visibleLength("&#128512;&#x1F600;&#65;")).toBe(5);
  });
});

describe("splitTelegramHtml", () => {
  it("returns short text as one chunk, unchanged", () => {
    expect(splitTelegramHtml("<b>hello</b> world")).toEqual(["<b>hello</b> world"]);
  });

  it("splits a 9000-character answer of many paragraphs into 3 ordered chunks at blank lines", () => {
    const paragraphs = Array.from({ length: 30 }, (_, index) => {
      const start = `**Point ${index + 1}.** `;
      return (
        start +
        "lorem ipsum dolor sit amet "
          .repeat(11)
          .slice(0, 300 - start.length)
          .trim()
      );
    });
    const markdown = paragraphs.join("\n\n");
    expect(markdown.length).toBeGreaterThanOrEqual(9000);
    const html = markdownToTelegramHtml(markdown);

    const chunks = splitTelegramHtml(html);

    expect(chunks).toHaveLength(3);
    expectValidChunks(chunks, 4096);
    expect(chunks.map(visibleText).join("\n\n")).toBe(visibleText(html));
    expect(chunks.map((chunk) => chunk.startsWith("<b>Point "))).toEqual([true, true, true]);
    expect(chunks[0]).toMatch(/^<b>Point 1\.<\/b>/);
  });

  it("splits a 10000-character code block into chunks that each close and reopen the block", () => {
    const lines = Array.from({ length: 400 }, (_, index) => `if (a${index} < b && c > "d") run(${index});`);
    const code = lines.join("\n");
    expect(code.length).toBeGreaterThanOrEqual(10000);
    const html = markdownToTelegramHtml(`\`\`\`ts\n${code}\n\`\`\``);

    const chunks = splitTelegramHtml(html);

    expect(chunks.length).toBeGreaterThan(2);
    expectValidChunks(chunks, 4096);
    for (const chunk of chunks) {
      expect(chunk.startsWith('<pre><code class="language-ts">')).toBe(true);
      expect(chunk.endsWith("</code></pre>")).toBe(true);
    }
    expect(chunks.map(visibleText).join("\n")).toBe(code);
  });

  it("reopens nested tags with the same attributes", () => {
    const html = '<a href="https://example.com/?q=1&amp;r=2"><b>one two three four</b></a> tail';

    const chunks = splitTelegramHtml(html, 10);

    expect(chunks).toEqual([
      '<a href="https://example.com/?q=1&amp;r=2"><b>one two</b></a>',
      '<a href="https://example.com/?q=1&amp;r=2"><b>three four</b></a>',
      "tail",
    ]);
  });

  it("prefers a line break to a space, and a space to a hard cut", () => {
    expect(splitTelegramHtml("alpha beta\ngamma delta", 16)).toEqual(["alpha beta", "gamma delta"]);
    expect(splitTelegramHtml("alpha beta gamma", 12)).toEqual(["alpha beta", "gamma"]);
    expect(splitTelegramHtml("<i>abcdefghij</i>", 4)).toEqual(["<i>abcd</i>", "<i>efgh</i>", "<i>ij</i>"]);
  });

  it("prefers a blank line to a line break when the chunk stays at least half full", () => {
    expect(splitTelegramHtml("one two\n\nthree\nfour five", 20)).toEqual(["one two\n\nthree", "four five"]);
    expect(splitTelegramHtml("first para\n\nsecond\nthird", 20)).toEqual(["first para", "second\nthird"]);
  });

  it("never cuts an entity or a tag", () => {
    const html = `<b>${"&amp;".repeat(10)}</b>&lt;&gt;`;

    const chunks = splitTelegramHtml(html, 3);

    expectValidChunks(chunks, 3);
    expect(chunks.map(visibleText).join("")).toBe(`${"&".repeat(10)}<>`);
  });

  it("never cuts an emoji in half", () => {
    const emoji = "😀👍🏽👨‍👩‍👧🇺🇦".repeat(20);

    // The family emoji alone is 8 UTF-16 units, so 9 is the smallest limit that fits every one of them.
    const chunks = splitTelegramHtml(`<b>${emoji}</b>`, 9);

    expectValidChunks(chunks, 9);
    for (const chunk of chunks) expect(visibleText(chunk)).toMatch(/^(?:😀|👍🏽|👨‍👩‍👧|🇺🇦)+$/u);
    expect(chunks.map(visibleText).join("")).toBe(emoji);
  });

  it("closes the tags a short answer leaves open, and sends nothing for one that shows no text", () => {
    expect(splitTelegramHtml("<b>жирный <i>и курсив")).toEqual(["<b>жирный <i>и курсив</i></b>"]);
    expect(splitTelegramHtml(" <b> </b>\n")).toEqual([]);
    expect(splitTelegramHtml("текст<b>")).toEqual(["текст"]);
  });

  it("ends on HTML whose rest is only opening tags (it used to loop for ever)", () => {
    expect(splitTelegramHtml("abc<b><i>", 2)).toEqual(["ab", "c"]);
  });

  it("drops no chunk of whitespace only", () => {
    expect(splitTelegramHtml("abc def\n\n\n\n", 4)).toEqual(["abc", "def"]);
  });

  it("keeps every chunk well formed for converted mixed answers", () => {
    const section = [
      "## Section with <tags> & entities",
      "- **bold _and italic_** item with [a link](https://example.com/a?x=1&y=2)",
      "> quoted 😀 text ".repeat(8),
      `\`\`\`js\n${"const x = a < b && c;\n".repeat(6)}\`\`\``,
    ].join("\n\n");
    const html = markdownToTelegramHtml(Array.from({ length: 12 }, () => section).join("\n\n"));

    for (const limit of [50, 97, 500, 4096]) {
      const chunks = splitTelegramHtml(html, limit);
      expectValidChunks(chunks, limit);
      expect(withoutWhitespace(chunks.map(visibleText).join(""))).toBe(withoutWhitespace(visibleText(html)));
    }
  });
});

describe("splitPlainText", () => {
  it("splits at the same boundaries and leaves markup characters alone", () => {
    expect(splitPlainText("a <b> & c\n\nsecond part", 12)).toEqual(["a <b> & c", "second part"]);
  });

  it("keeps long text whole and within the limit", () => {
    const text = Array.from({ length: 500 }, (_, index) => `word${index} 🙂`).join(" ");

    const chunks = splitPlainText(text);

    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(4096);
      expect(LONE_SURROGATE.test(chunk)).toBe(false);
    }
    expect(chunks.join(" ")).toBe(text);
  });
});

describe("cutBeforePair", () => {
  it("moves a cut that would fall inside an emoji before it, and leaves every other cut alone", () => {
    const text = "a😀b";
    expect([0, 1, 2, 3, 4, 9].map((i) => cutBeforePair(text, i))).toEqual([0, 1, 1, 3, 4, 9]);
    expect(text.slice(0, cutBeforePair(text, 2))).toBe("a");
  });
});
