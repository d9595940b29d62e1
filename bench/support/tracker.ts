import { performance } from "node:perf_hooks";
import type { Sample } from "./stats.js";
import type { LoadTelegram, TelegramListener } from "./telegram.js";

export const ANSWER = "Готово: это ответ модели.";

/**
 * Not yet the final text of an ask: the placeholder and its variants ("⏳ …": queued, retrying), or a
 * preview of an answer still streaming in (the text so far followed by a cursor, "… ▌").
 */
const isInterim = (text: string) => text.startsWith("⏳") || text.endsWith("▌");

export interface Command {
  kind: "ask" | "note";
  /** The command's name, e.g. `note_list`. */
  name: string;
  text: string;
  pushedAt: number;
  deliveredAt?: number;
  /** An ask's placeholder arrived. */
  placeholderAt?: number;
  /**
   * An ask's first visible words: the first draft or edit of its placeholder that carries answer text
   * (a preview), or else its final text.
   */
  firstTextAt?: number;
  /** The reply (notes) or the edit of the placeholder into a final text (asks) arrived. */
  doneAt?: number;
  /** An ask's final text when it is not the model's answer (an error message). */
  failed?: string;
}

/**
 * Matches the bot's messages to the commands that caused them: in each chat, the next message the bot
 * sends answers the oldest command still waiting; for an ask that message is the placeholder (⏳), and
 * the ask is done when that placeholder is edited into its final text (previews of a streaming answer
 * are not final).
 */
export class Tracker implements TelegramListener {
  readonly commands: Command[] = [];
  /** Messages the bot sent to a chat with no command waiting (should stay 0). */
  stray = 0;
  private readonly byUpdate = new Map<number, Command>();
  private readonly waiting = new Map<number, Command[]>();
  private readonly placeholders = new Map<string, Command>();
  private readonly onDone = new Map<Command, () => void>();
  private open = 0;
  private idle: (() => void) | undefined;

  constructor(private readonly telegram: LoadTelegram) {
    telegram.listener = this;
  }

  /** Sends `text` from `userId` (in their private chat, or `chatId`) and tracks its reply. */
  send(userId: number, text: string, chatId = userId): Command {
    const name = /^\/(\w+)/.exec(text)?.[1] ?? "text";
    const command: Command = {
      kind: name === "ask" ? "ask" : "note",
      name,
      text,
      pushedAt: performance.now(),
    };
    const queue = this.waiting.get(chatId) ?? [];
    queue.push(command);
    this.waiting.set(chatId, queue);
    this.commands.push(command);
    this.open += 1;
    this.byUpdate.set(this.telegram.pushText(userId, text, chatId), command);
    return command;
  }

  /** Resolves once `command` is done; rejects after `timeoutMs`. */
  done(command: Command, timeoutMs = 30_000): Promise<void> {
    if (command.doneAt !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reply to /${command.name} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.onDone.set(command, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves once every command is done, or at `deadline` (a `performance.now()` time). */
  async settled(deadline: number): Promise<void> {
    if (this.open === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, Math.max(0, deadline - performance.now()));
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.idle = finish;
    });
    this.idle = undefined;
  }

  delivered(updateId: number, at: number): void {
    const command = this.byUpdate.get(updateId);
    if (command && command.deliveredAt === undefined) command.deliveredAt = at;
  }

  sent(chatId: number, messageId: number, text: string, at: number): void {
    const command = this.waiting.get(chatId)?.shift();
    if (command === undefined) this.stray += 1;
    else if (command.kind === "ask" && isInterim(text)) {
      command.placeholderAt = at;
      this.placeholders.set(`${chatId}:${messageId}`, command);
    } else this.finish(command, at, text);
  }

  edited(chatId: number, messageId: number, text: string, at: number): void {
    const key = `${chatId}:${messageId}`;
    const command = this.placeholders.get(key);
    if (command === undefined) return;
    if (isInterim(text)) {
      if (!text.startsWith("⏳")) command.firstTextAt ??= at;
      return;
    }
    this.placeholders.delete(key);
    this.finish(command, at, text);
  }

  /** A draft's id is the placeholder's message id (the worker streams into drafts of that id). */
  drafted(chatId: number, draftId: number, text: string, at: number): void {
    const command = this.placeholders.get(`${chatId}:${draftId}`);
    if (command !== undefined && text !== "") command.firstTextAt ??= at;
  }

  private finish(command: Command, at: number, text: string): void {
    command.firstTextAt ??= at;
    command.doneAt = at;
    if (command.kind === "ask" && !text.includes(ANSWER)) command.failed = text;
    this.open -= 1;
    this.onDone.get(command)?.();
    this.onDone.delete(command);
    if (this.open === 0) this.idle?.();
  }
}

/**
 * Latency of each command from its delivery to the bot (or, if the bot never fetched it, from when it
 * was queued) to its reply, less `minusMs`; a command still unanswered at `end` counts as a lower bound.
 */
export function latencies(commands: readonly Command[], end: number, minusMs = 0): Sample[] {
  return commands.map((c) => {
    const from = c.deliveredAt ?? c.pushedAt;
    return c.doneAt === undefined
      ? { ms: end - from - minusMs, censored: true }
      : { ms: c.doneAt - from - minusMs, censored: false };
  });
}
