/**
 * Updates that skip the durable inbox: inline queries. An inline query is worth answering only within
 * seconds (Telegram drops the answer of an old query: "query is too old"), has no effect to keep once
 * (it only reads notes), and comes with every keystroke of the user. Recording it would add a write per
 * keystroke to the inbox for nothing: after a crash, handling it again would be too late anyway. So it
 * is handed to the bot at once (through the same lanes, bounded like every handler) and never marked.
 */
import type { Update } from "grammy/types";

export const isFleeting = (update: Update): boolean => update.inline_query !== undefined;
