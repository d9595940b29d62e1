import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import { escapeHtml } from "./html.js";

/** Schemes Telegram opens safely; anything else (javascript:, data:, relative paths) stays plain text. */
const LINK_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tg:", "tel:"]);

interface RenderContext {
  /** Telegram rejects nested blockquotes, so inner quotes are flattened into the outer one. */
  inQuote: boolean;
  /** Telegram allows no code entity inside a link, so code spans in link text become plain text. */
  inLink: boolean;
  listDepth: number;
}

/**
 * Converts an LLM's Markdown answer into Telegram's HTML parse mode subset. Only b, i, s, code, pre, a and
 * blockquote are produced; every other character of the input, raw HTML included, is escaped and shown as is.
 */
export function markdownToTelegramHtml(markdown: string): string {
  const context: RenderContext = { inQuote: false, inLink: false, listDepth: 0 };
  return renderBlocks(Lexer.lex(markdown), context, "\n\n").trim();
}

function renderBlocks(tokens: Token[], context: RenderContext, separator: string): string {
  return tokens
    .map((token) => renderBlock(token as MarkedToken, context))
    .filter((html) => html !== "")
    .join(separator);
}

function renderBlock(token: MarkedToken, context: RenderContext): string {
  switch (token.type) {
    case "paragraph":
      return renderInline(token.tokens, context);
    case "heading":
      return `<b>${renderInline(token.tokens, context)}</b>`;
    case "code":
      return renderCodeBlock(token);
    case "blockquote":
      return renderBlockquote(token, context);
    case "list":
      return renderList(token, context);
    case "table":
      return renderTable(token);
    case "hr":
      return "———";
    case "html":
      return escapeHtml(token.text.trim());
    case "text":
      return token.tokens ? renderInline(token.tokens, context) : escapeHtml(token.text);
    case "space":
    case "def":
      return "";
    default:
      return renderInline([token], context);
  }
}

function renderCodeBlock(token: Tokens.Code): string {
  // The info string may carry more than the language ("ts title=x"); Telegram wants the language only.
  const language = token.lang?.trim().split(/\s+/)[0];
  const code = escapeHtml(token.text);
  return language
    ? `<pre><code class="language-${escapeHtml(language)}">${code}</code></pre>`
    : `<pre>${code}</pre>`;
}

function renderBlockquote(token: Tokens.Blockquote, context: RenderContext): string {
  if (context.inQuote) return renderBlocks(token.tokens, context, "\n\n");
  return `<blockquote>${renderBlocks(token.tokens, { ...context, inQuote: true }, "\n\n")}</blockquote>`;
}

function renderList(list: Tokens.List, context: RenderContext): string {
  const first = list.start === "" ? 1 : list.start;
  const indent = "   ".repeat(context.listDepth);
  const itemContext = { ...context, listDepth: context.listDepth + 1 };
  return list.items
    .map((item, index) => {
      const marker = list.ordered ? `${first + index}. ` : "• ";
      return `${indent}${marker}${renderListItem(item, itemContext)}`;
    })
    .join("\n");
}

function renderListItem(item: Tokens.ListItem, context: RenderContext): string {
  // In a tight task item the checkbox is a block of its own; it belongs on the item's first line.
  const [first, ...rest] = item.tokens;
  if (first?.type === "checkbox") return checkboxMark(first.checked) + renderBlocks(rest, context, "\n");
  return renderBlocks(item.tokens, context, "\n");
}

function checkboxMark(checked: boolean): string {
  return checked ? "☑ " : "☐ ";
}

/** Telegram has no tables, so the cells' plain text is laid out in columns inside a pre block. */
function renderTable(table: Tokens.Table): string {
  const rows = [table.header, ...table.rows].map((cells) => cells.map((cell) => plainText(cell.tokens)));
  const widths = table.header.map((_, column) =>
    Math.max(...rows.map((cells) => cells[column]?.length ?? 0)),
  );
  const formatRow = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return table.align[column] === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(" | ")
      .trimEnd();
  const [header = [], ...body] = rows;
  const rule = widths.map((width) => "-".repeat(width)).join("-+-");
  return `<pre>${escapeHtml([formatRow(header), rule, ...body.map(formatRow)].join("\n"))}</pre>`;
}

function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if ("tokens" in token && token.tokens) return plainText(token.tokens);
      return "text" in token ? String(token.text) : "";
    })
    .join("");
}

function renderInline(tokens: Token[], context: RenderContext): string {
  return tokens.map((token) => renderInlineToken(token as MarkedToken, context)).join("");
}

function renderInlineToken(token: MarkedToken, context: RenderContext): string {
  switch (token.type) {
    case "text":
      return token.tokens ? renderInline(token.tokens, context) : escapeHtml(token.text);
    case "escape":
    case "html":
      return escapeHtml(token.text);
    case "strong":
      return `<b>${renderInline(token.tokens, context)}</b>`;
    case "em":
      return `<i>${renderInline(token.tokens, context)}</i>`;
    case "del":
      return `<s>${renderInline(token.tokens, context)}</s>`;
    case "codespan":
      return context.inLink ? escapeHtml(token.text) : `<code>${escapeHtml(token.text)}</code>`;
    case "br":
      return "\n";
    case "link":
    case "image":
      return renderLink(token.href, token.tokens, context);
    case "checkbox":
      return checkboxMark(token.checked);
    default:
      return escapeHtml(token.raw);
  }
}

function renderLink(href: string, labelTokens: Token[], context: RenderContext): string {
  const label = renderInline(labelTokens, { ...context, inLink: true });
  const url = safeLinkUrl(href);
  if (url === undefined || context.inLink) return label;
  return `<a href="${escapeHtml(url)}">${label || escapeHtml(url)}</a>`;
}

function safeLinkUrl(href: string): string | undefined {
  if (!URL.canParse(href)) return undefined;
  const url = new URL(href);
  return LINK_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}
