import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { Update } from "grammy/types";
import { BOT_USER } from "../../test/support/fake-telegram.js";
import { CHAT_METHODS, type FloodControl, tooManyRequests } from "./flood.js";

/** What the bench learns from the Bot API calls; every time is `performance.now()` in this process. */
export interface TelegramListener {
  /** `getUpdates` returned the update for the first time. */
  delivered(updateId: number, at: number): void;
  /** `sendMessage` arrived. */
  sent(chatId: number, messageId: number, text: string, at: number): void;
  /** `editMessageText` arrived. */
  edited(chatId: number, messageId: number, text: string, at: number): void;
  /** `sendMessageDraft` was accepted (only when drafts are offered). */
  drafted(chatId: number, draftId: number, text: string, at: number): void;
}

/**
 * A Bot API fake for load, with the wire format of test/support/fake-telegram.ts but none of its
 * bookkeeping (that one keeps and scans every call, which is right for tests and wrong at thousands a
 * second): it queues updates, hands up to 100 to each long poll and stamps when each one went out, and
 * reports the bot's messages to a listener instead of storing them. A scenario may switch on flood
 * control (`flood`, bench/support/flood.ts) and offer message drafts in private chats (`drafts`).
 */
export class LoadTelegram {
  readonly token = "123456:BENCH-fake-telegram-token";
  listener: TelegramListener | undefined;
  /** When set, chat calls past Telegram's flood limits are refused with 429. */
  flood: FloodControl | undefined;
  /** Whether private chats take `sendMessageDraft` (else refused, so streaming falls back to edits). */
  drafts = false;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${error}` });
    });
  });
  private readonly queue: Update[] = [];
  private readonly wakeUps = new Set<() => void>();
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private closing = false;

  static async start(): Promise<LoadTelegram> {
    const fake = new LoadTelegram();
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues a text message from user `userId` in `chatId` (their private chat by default); returns the update id. */
  pushText(userId: number, text: string, chatId = userId): number {
    const command = /^\/\S+/.exec(text);
    const update = {
      update_id: this.nextUpdateId++,
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat:
          chatId === userId
            ? { id: chatId, type: "private", first_name: "Bench" }
            : { id: chatId, type: "group", title: "Bench" },
        from: { id: userId, is_bot: false, first_name: "Bench", language_code: "ru" },
        text,
        ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
      },
    } as Update;
    this.queue.push(update);
    for (const wake of this.wakeUps) wake();
    return update.update_id;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const wake of this.wakeUps) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? "");
    const body = await readJson(req);
    if (match?.[1] !== this.token)
      return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const chatId = Number(body.chat_id);
    const text = String(body.text ?? "");
    const method = match[2] ?? "";
    const retryAfter = CHAT_METHODS.has(method) ? this.flood?.admit(method, chatId, at) : undefined;
    if (retryAfter !== undefined) return send(res, 429, tooManyRequests(retryAfter));
    switch (method) {
      case "getMe":
        return send(res, 200, { ok: true, result: BOT_USER });
      case "getUpdates":
        return send(res, 200, { ok: true, result: await this.getUpdates(body) });
      case "sendMessage": {
        const messageId = this.nextMessageId++;
        this.listener?.sent(chatId, messageId, text, at);
        return send(res, 200, { ok: true, result: botMessage(chatId, messageId, text) });
      }
      case "editMessageText": {
        const messageId = Number(body.message_id);
        this.listener?.edited(chatId, messageId, text, at);
        return send(res, 200, { ok: true, result: botMessage(chatId, messageId, text) });
      }
      case "sendMessageDraft":
        if (this.drafts && chatId > 0) {
          this.listener?.drafted(chatId, Number(body.draft_id), text, at);
          return send(res, 200, { ok: true, result: true });
        }
        // As test/support/fake-telegram.ts by default: streaming falls back to edits.
        return send(res, 400, {
          ok: false,
          error_code: 400,
          description: "Bad Request: method is not available for this bot",
        });
      case "deleteWebhook":
      case "setMyCommands":
      case "sendChatAction":
        return send(res, 200, { ok: true, result: true });
      default:
        return send(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  }

  /** Confirms updates below `offset`, waits up to `timeout` s for one, returns up to `limit` (100). */
  private async getUpdates(body: Record<string, unknown>): Promise<Update[]> {
    const offset = Number(body.offset ?? 0);
    while (this.queue.length > 0 && (this.queue[0] as Update).update_id < offset) this.queue.shift();
    if (this.queue.length === 0 && !this.closing) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakeUps.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Number(body.timeout ?? 0) * 1000);
        this.wakeUps.add(wake);
      });
    }
    const batch = this.queue.slice(0, Math.min(Number(body.limit ?? 100), 100));
    const at = performance.now();
    for (const update of batch) this.listener?.delivered(update.update_id, at);
    return batch;
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return {};
  if ((req.headers["content-type"] ?? "").startsWith("application/json"))
    return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res
    .writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) })
    .end(json);
}

/** A message from the bot, as Telegram returns it for a send or an edit. */
function botMessage(chatId: number, messageId: number, text: string) {
  const chat = { id: chatId, type: chatId > 0 ? "private" : "group" };
  return { message_id: messageId, date: Math.floor(Date.now() / 1000), chat, from: BOT_USER, text };
}
