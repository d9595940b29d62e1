import { describe, expect, it } from "vitest";
import { markdownToTelegramHtml } from "../../shared/src/telegram/index.js";

const TELEGRAM_TAGS = new Set(["b", "i", "s", "u", "code", "pre", "a", "blockquote", "tg-spoiler"]);

/** Problems that would make Telegram reject the HTML: unknown or unbalanced tags, unescaped < > &. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const markup = /<(\/?)([a-z-]+)(?: [a-z-]+="[^"<>]*")*>|&(?:lt|gt|amp|quot|#\d+|#x[\da-f]+);/gi;
  let position = 0;
  for (const match of html.matchAll(markup)) {
    const text = html.slice(position, match.index);
    if (/[<>&]/.test(text)) problems.push(`unescaped text: ${text}`);
    position = match.index + match[0].length;
    const [, slash, name] = match;
    if (name === undefined) continue;
    if (!TELEGRAM_TAGS.has(name)) problems.push(`unsupported tag: ${name}`);
    if (!slash) open.push(name);
    else if (open.pop() !== name) problems.push(`unbalanced </${name}>`);
  }
  if (/[<>&]/.test(html.slice(position))) problems.push(`unescaped text: ${html.slice(position)}`);
  if (open.length > 0) problems.push(`unclosed: ${open.join(", ")}`);
  return problems;
}

function render(markdown: string): string {
  const html = markdownToTelegramHtml(markdown);
  expect(htmlProblems(html)).toEqual([]);
  return html;
}

describe("markdownToTelegramHtml", () => {
  it("renders inline emphasis, strikethrough and code", () => {
    expect(render("**bold** *italic* _also_ ~~gone~~ `x = 1`")).toBe(
      "<b>bold</b> <i>italic</i> <i>also</i> <s>gone</s> <code>x = 1</code>",
    );
  });

  it("renders a fenced code block with its language, escaping the code", () => {
    expect(render('```python\nif a < b and c > 0:\n    print("&")\n```')).toBe(
      '<pre><code class="language-python">if a &lt; b and c &gt; 0:\n    print(&quot;&amp;&quot;)</code></pre>',
    );
  });

  it("renders a code block without a language as pre", () => {
    expect(render("```\nplain\n```")).toBe("<pre>plain</pre>");
    expect(render("    indented")).toBe("<pre>indented</pre>");
  });

  it("keeps only the language from a longer info string", () => {
    expect(render('```ts title="a.ts"\nlet a;\n```')).toBe(
      '<pre><code class="language-ts">let a;</code></pre>',
    );
  });

  it("renders links and autolinks", () => {
    expect(render("[docs](https://example.com/a?b=1&c=2)")).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2">docs</a>',
    );
    expect(render("see https://example.com/x")).toBe(
      'see <a href="https://example.com/x">https://example.com/x</a>',
    );
  });

  it("turns links with unsafe schemes into plain text", () => {
    expect(render("[click](javascript:alert(1)) and [img](data:text/html,hi)")).toBe("click and img");
    expect(render("[rel](/relative/path)")).toBe("rel");
  });

  it("escapes quotes inside a link's href", () => {
    expect(render('[q](<https://example.com/"x">)')).toContain('href="https://example.com/%22x%22"');
  });

  it("renders headings as bold lines", () => {
    expect(render("# Title\n\n### Sub *part*\ntext")).toBe("<b>Title</b>\n\n<b>Sub <i>part</i></b>\n\ntext");
  });

  it("renders bullet and numbered lists line by line", () => {
    expect(render("- one\n- two")).toBe("• one\n• two");
    expect(render("1. first\n2. second")).toBe("1. first\n2. second");
    expect(render("3. third\n4. fourth")).toBe("3. third\n4. fourth");
  });

  it("keeps bold and code nested in list items and indents nested lists", () => {
    expect(render("- **Step `one`**: run it\n  - sub *item*\n- done")).toBe(
      "• <b>Step <code>one</code></b>: run it\n   • sub <i>item</i>\n• done",
    );
  });

  it("marks task list items", () => {
    expect(render("- [x] done\n- [ ] todo")).toBe("• ☑ done\n• ☐ todo");
  });

  it("renders blockquotes, flattening nested ones", () => {
    expect(render("> quoted **text**")).toBe("<blockquote>quoted <b>text</b></blockquote>");
    expect(render("> outer\n>\n> > inner")).toBe("<blockquote>outer\n\ninner</blockquote>");
  });

  it("separates paragraphs by a blank line and keeps line breaks", () => {
    expect(render("first\nline\n\n\n\nsecond")).toBe("first\nline\n\nsecond");
  });

  it("shows raw HTML literally", () => {
    expect(render('<script>alert("hi")</script>')).toBe("&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;");
    expect(render("a <b>not bold</b> <img src=x onerror=alert(1)>")).toBe(
      "a &lt;b&gt;not bold&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;",
    );
    expect(render("<div>\nblock\n</div>")).toBe("&lt;div&gt;\nblock\n&lt;/div&gt;");
  });

  it("escapes ampersands and quotes in text", () => {
    expect(render('Tom & Jerry say "hi" & <3')).toBe("Tom &amp; Jerry say &quot;hi&quot; &amp; &lt;3");
  });

  it("leaves unclosed markdown as literal text", () => {
    expect(render("**never closed")).toBe("**never closed");
    expect(render("`open code and _half")).toBe("`open code and _half");
    expect(render("```js\nconst a = 1;")).toBe('<pre><code class="language-js">const a = 1;</code></pre>');
  });

  it("renders tables as aligned preformatted text", () => {
    expect(render("| Name | Qty |\n|:-----|----:|\n| **apple** | 3 |\n| kiwi | 12 |")).toBe(
      "<pre>Name  | Qty\n------+----\napple |   3\nkiwi  |  12</pre>",
    );
  });

  it("produces nothing for empty input", () => {
    expect(render("")).toBe("");
    expect(render("\n\n  \n")).toBe("");
  });

  it("produces well-formed Telegram HTML for a mixed answer", () => {
    const answer = [
      "## Plan & <notes>",
      "1. **Read** [the *spec*](https://example.com)",
      "2. Run `npm test` > log",
      "> Tip: ~~never~~ *always* check `a<b`",
      "```sh\necho '<hi>' && exit\n```",
      "| a | b |\n|---|---|\n| `<x>` | & |",
      "Unclosed *emphasis and [link](https://",
    ].join("\n\n");
    expect(render(answer)).toContain("<b>Plan &amp; &lt;notes&gt;</b>");
  });
});
