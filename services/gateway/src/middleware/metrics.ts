import type { GatewayMetrics } from "@notesbot/shared/metrics";
import type { Context, MiddlewareFn } from "grammy";

/**
 * The command label of an update: a known command's name, `other_command`, `text` for plain
 * messages, `inline_query` for inline searches and `other` for the rest, so the label set stays small
 * whatever users type.
 */
export function commandLabel(ctx: Context, known: ReadonlySet<string>): string {
  if (ctx.inlineQuery) return "inline_query";
  // A command may be a document's caption (/note_import).
  const text = ctx.message?.text ?? ctx.message?.caption;
  if (text === undefined) return "other";
  const entity = (ctx.message?.entities ?? ctx.message?.caption_entities)?.[0];
  if (entity?.type !== "bot_command" || entity.offset !== 0) return "text";
  const name = text.slice(1, entity.length).split("@")[0]?.toLowerCase() ?? "";
  return known.has(name) ? name : "other_command";
}

export function measureUpdates(metrics: GatewayMetrics, known: ReadonlySet<string>): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const command = commandLabel(ctx, known);
    metrics.updates.inc({ command });
    const stop = metrics.commandDuration.startTimer({ command });
    try {
      await next();
    } finally {
      stop();
    }
  };
}
