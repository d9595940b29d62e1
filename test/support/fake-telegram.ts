import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Chat, Message, MessageEntity, MessageOrigin, Update, User } from "grammy/types";
import { FakeTelegramFiles } from "./fake-telegram-files.js";

/**
 * A fake Telegram Bot API on 127.0.0.1 that speaks the real wire format (`/bot<token>/<method>`, JSON,
 * form and multipart bodies, the `{ok, result}` / `{ok: false, error_code, description, parameters}`
 * envelope). It records every call, serves updates to long polling or, once `setWebhook` was called,
 * POSTs them to the webhook as Telegram does (again and again until one gets a 2xx), and injects faults
 * on request.
 */

export const BOT_USER: User = {
  id: 700_000_001,
  is_bot: true,
  first_name: "Notes",
  username: "NotesTestBot",
};

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
  /** Set once answered: the outcome, and the id of the message sent, if one was. */
  ok?: boolean;
  messageId?: number;
  /** Set when the call was held and its client was gone when released: it never took effect. */
  dropped?: boolean;
}

/** One POST of an update to the webhook, and how it ended. */
export interface WebhookPost {
  updateId: number;
  at: number;
  /** The HTTP status, or how the POST failed: no answer within `webhookTimeoutMs`, or no connection. */
  status: number | "timeout" | "error";
}

/** Calls held by `hold()`: not carried out, not answered, until `release()` or `drop()`. */
export interface Hold {
  readonly held: ApiCall[];
  release(): void;
  drop(): void;
}

export interface SentDocument {
  filename: string;
  content: string;
}

/** What a forwarded message carries: a text, or a caption of a photo (or of another medium). */
export interface ForwardContent {
  text?: string;
  caption?: string;
  /** A photo (the fake makes its sizes; the largest has this file_id). */
  photo?: string;
  /** Parts of one forwarded album share it. */
  mediaGroupId?: string;
  /** A message id reserved earlier (`reserveMessageId`), to deliver an album's parts out of order. */
  messageId?: number;
}

/** A document a user sends; the fake keeps its bytes for getFile and the file download. */
export interface UploadedDocument {
  fileName: string;
  mimeType?: string;
  content: string | Uint8Array;
  caption?: string;
  /** The size Telegram reports (default: the content's). */
  fileSize?: number;
}

/** An answer the bot gave to an inline query. */
export interface InlineAnswer {
  inlineQueryId: string;
  payload: Record<string, unknown>;
}

/** Telegram answers an inline query only this long after it was sent. */
const INLINE_ANSWER_DEADLINE_MS = 10_000;

export interface Fault {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A rule of the real Telegram a test switches on (fake-groups.ts, fake-flood.ts): a refusal, or undefined. */
export type Guard = (method: string, payload: Record<string, unknown>) => Fault | undefined;

/** Closes the connection without an answer, as when the network between the bot and Telegram fails. */
export const DROP: Fault = { error_code: 0, description: "connection dropped" };

type Result = { ok: true; result: unknown } | ({ ok: false } & Fault);

const ALLOWED_HTML_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "code",
  "pre",
  "a",
  "tg-spoiler",
  "span",
  "blockquote",
  "tg-emoji",
]);

/** Telegram rejects unknown tags and unbalanced markup in HTML parse mode; so does the fake. */
export function htmlParseError(html: string): string | undefined {
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z-]+)[^>]*>|<|&(?![a-zA-Z]+;|#\d+;|#x[\da-fA-F]+;)/g)) {
    if (match[2] === undefined) return `Unsupported start tag or entity at byte offset ${match.index}`;
    const [, closing, tag] = match;
    const name = tag.toLowerCase();
    if (!ALLOWED_HTML_TAGS.has(name)) return `Unsupported start tag "${name}" at byte offset ${match.index}`;
    if (closing === "") stack.push(name);
    else if (stack.pop() !== name)
      return `Unmatched end tag at byte offset ${match.index}, expected "</${name}>"`;
  }
  return stack.length > 0 ? `Can't find end tag corresponding to start tag "${stack.at(-1)}"` : undefined;
}

export class FakeTelegram {
  readonly token: string;
  readonly calls: ApiCall[] = [];
  /** The files users sent (getFile and downloads; see fake-telegram-files.ts). */
  readonly files = new FakeTelegramFiles();
  private readonly events = new EventEmitter();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private readonly sockets = new Set<Socket>();
  private readonly updates: Update[] = [];
  private readonly redeliveries: Update[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly chats = new Map<number, Chat>();
  private readonly messages = new Map<string, Message>();
  /** Group administrators by chat id (makeAdmin). */
  private readonly admins = new Map<number, Set<number>>();
  /** A group's creator, and who left it, by chat id (makeCreator, leave). */
  private readonly creators = new Map<number, number>();
  private readonly left = new Map<number, Set<number>>();
  private nextUpdateId = 1;
  private readonly inlineQueries = new Map<string, { at: number; answered: boolean }>();
  /** Every inline query answer accepted, in order. */
  readonly inlineAnswers: InlineAnswer[] = [];
  private nextMessageId = 1;
  private nextUserId = 100_000 + Math.floor(Math.random() * 1_000_000) * 1000;
  private confirmedOffset = 0;
  /** When set, every HTML-formatted text is rejected as Telegram does with broken markup. */
  rejectHtml = false;
  /**
   * When set, edits in one chat closer together than this are refused with 429 and retry_after, like
   * Telegram's flood control; `editTimes` records the accepted ones per chat.
   */
  editIntervalMs: number | undefined;
  readonly editTimes = new Map<number, number[]>();
  /** Checked in order before a call is carried out; the first refusal answers it. */
  readonly guards: Guard[] = [];
  /** Whether sendMessageDraft exists (Telegram offers drafts only to some bots and chats). */
  draftsSupported = false;
  /** Every POST to the webhook, in the order they ended. */
  readonly webhookPosts: WebhookPost[] = [];
  /** How long a webhook POST may take before it counts as failed (and is made again). */
  webhookTimeoutMs = 30_000;
  /** The pause before a failed webhook POST is made again. */
  webhookRetryMs = 1_000;
  private webhook: { url: string; secret: string | undefined; maxConnections: number } | undefined;
  private readonly webhookQueue: Update[] = [];
  private readonly webhookDelivered = new Set<number>();
  private readonly webhookTimers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();
  private webhookInFlight = 0;
  private readonly holds: { predicate: (call: ApiCall) => boolean; ended: Promise<"release" | "drop"> }[] =
    [];

  constructor(token = "123456:TEST-fake-telegram-token") {
    this.token = token;
    this.events.setMaxListeners(0);
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(token?: string): Promise<FakeTelegram> {
    const fake = new FakeTelegram(token);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get apiRoot(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.webhook = undefined;
    this.closing.abort();
    for (const timer of this.webhookTimers) clearTimeout(timer);
    this.events.emit("closing");
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Makes `user` an administrator of group `chat` (getChatMember says so; anyone else is a member). */
  makeAdmin(chat: Chat, user: User): void {
    const admins = this.admins.get(chat.id) ?? new Set<number>();
    admins.add(user.id);
    this.admins.set(chat.id, admins);
  }

  /** Makes `user` the creator of group `chat`: getChatMember says "creator", as Telegram does for the owner. */
  makeCreator(chat: Chat, user: User): void {
    this.creators.set(chat.id, user.id);
  }

  /** `user` left group `chat` (getChatMember says "left"; an administrator no more). */
  leave(chat: Chat, user: User): void {
    this.admins.get(chat.id)?.delete(user.id);
    const left = this.left.get(chat.id) ?? new Set<number>();
    left.add(user.id);
    this.left.set(chat.id, left);
  }

  /** A user id no other test has used in this run. */
  newUser(firstName = "Тест", languageCode = "ru"): User {
    this.nextUserId += 1;
    return { id: this.nextUserId, is_bot: false, first_name: firstName, language_code: languageCode };
  }

  /** A group chat id (negative, as Telegram's are) no other test has used. */
  newGroup(): Chat {
    this.nextUserId += 1;
    return { id: -this.nextUserId, type: "group", title: "Группа" };
  }

  /**
   * Queues a text message from `from` (in a private chat unless `chat` is given), as Telegram would deliver
   * it; `extra` adds fields (e.g. `sender_chat`, see senders.ts).
   */
  sendText(from: User, text: string, chat?: Chat, extra: Partial<Message> = {}): Update {
    const target: Chat = chat ?? { id: from.id, type: "private", first_name: from.first_name };
    this.chats.set(target.id, target);
    const entities: MessageEntity[] = [];
    const command = /^\/\S+/.exec(text);
    if (command) entities.push({ type: "bot_command", offset: 0, length: command[0].length });
    // Telegram marks every @username as a mention entity.
    for (const mention of text.matchAll(/(?<=^|\s)@\w+/g)) {
      entities.push({ type: "mention", offset: mention.index, length: mention[0].length });
    }
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: target,
      from,
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...extra,
    } as unknown as Message.TextMessage;
    return this.pushUpdate({ message } as unknown as Omit<Update, "update_id">);
  }

  /**
   * Queues a message with a medium from `from` (in a private chat unless `chat` is given): `media` is its
   * photo, voice, audio or document field, `caption` its caption (with its command and mention entities).
   */
  sendMedia(
    from: User,
    media: Pick<Message, "photo" | "voice" | "audio" | "document">,
    { caption, chat, extra = {} }: { caption?: string; chat?: Chat; extra?: Partial<Message> } = {},
  ): Update {
    const target: Chat = chat ?? { id: from.id, type: "private", first_name: from.first_name };
    this.chats.set(target.id, target);
    const entities: MessageEntity[] = [];
    const command = caption === undefined ? null : /^\/\S+/.exec(caption);
    if (command) entities.push({ type: "bot_command", offset: 0, length: command[0].length });
    for (const mention of caption?.matchAll(/(?<=^|\s)@\w+/g) ?? []) {
      entities.push({ type: "mention", offset: mention.index, length: mention[0].length });
    }
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: target,
      from,
      ...media,
      ...(caption === undefined ? {} : { caption }),
      ...(entities.length > 0 ? { caption_entities: entities } : {}),
      ...extra,
    } as unknown as Message;
    this.messages.set(`${target.id}:${message.message_id}`, message);
    return this.pushUpdate({ message } as unknown as Omit<Update, "update_id">);
  }

  /** A message id for a message queued later (`forward`'s `messageId`): to send an album out of order. */
  reserveMessageId(): number {
    return this.nextMessageId++;
  }

  /**
   * Queues a message forwarded by `from` into their private chat, as Telegram delivers it: `forward_origin`
   * (and `forward_date`), a text or a caption with its photo, an album's `media_group_id`.
   */
  forward(from: User, origin: MessageOrigin, content: ForwardContent): Update {
    const chat: Chat = { id: from.id, type: "private", first_name: from.first_name };
    this.chats.set(chat.id, chat);
    const photo = content.photo
      ? [
          { file_id: `${content.photo}-s`, file_unique_id: `${content.photo}-su`, width: 90, height: 60 },
          { file_id: content.photo, file_unique_id: `${content.photo}-u`, width: 1280, height: 853 },
        ]
      : undefined;
    const message = {
      message_id: content.messageId ?? this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      forward_origin: origin,
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(content.caption !== undefined ? { caption: content.caption } : {}),
      ...(photo ? { photo } : {}),
      ...(content.mediaGroupId !== undefined ? { media_group_id: content.mediaGroupId } : {}),
    };
    return this.pushUpdate({ message } as unknown as Omit<Update, "update_id">);
  }

  /** Stores a file as Telegram does for a document a user sent; resolves with its file_id. */
  uploadFile(content: string | Uint8Array, size?: number): string {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    return this.files.add(bytes, size === undefined ? {} : { size }).fileId;
  }

  /** Queues a document sent by `from` in their private chat (a command in its caption is marked as one). */
  sendDocument(from: User, document: UploadedDocument): Update {
    const chat: Chat = { id: from.id, type: "private", first_name: from.first_name };
    this.chats.set(chat.id, chat);
    const fileId = this.uploadFile(document.content, document.fileSize);
    const caption = document.caption;
    const command = caption === undefined ? null : /^\/\S+/.exec(caption);
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      document: {
        file_id: fileId,
        file_unique_id: `${fileId}-u`,
        file_name: document.fileName,
        ...(document.mimeType ? { mime_type: document.mimeType } : {}),
        file_size: document.fileSize ?? Buffer.byteLength(document.content),
      },
      ...(caption === undefined ? {} : { caption }),
      ...(command
        ? { caption_entities: [{ type: "bot_command", offset: 0, length: command[0].length }] }
        : {}),
    };
    this.messages.set(`${chat.id}:${message.message_id}`, message as unknown as Message);
    return this.pushUpdate({ message } as unknown as Omit<Update, "update_id">);
  }

  /** Queues an inline query `@bot <query>` typed by `from` (with the offset of a page after the first). */
  inlineQuery(from: User, query: string, offset = ""): Update {
    const id = `iq-${this.nextUpdateId}-${from.id}`;
    this.inlineQueries.set(id, { at: Date.now(), answered: false });
    const inline_query = { id, from, query, offset, chat_type: "sender" };
    return this.pushUpdate({ inline_query } as unknown as Omit<Update, "update_id">);
  }

  /** The accepted answer to an inline query, once the bot gave it. */
  async inlineAnswerOf(update: Update, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const id = update.inline_query?.id;
    const find = () => this.inlineAnswers.find((a) => a.inlineQueryId === id);
    await this.until(
      () => find() !== undefined,
      timeoutMs,
      () => `inline query ${id} was never answered`,
    );
    return (find() as InlineAnswer).payload;
  }

  /** Queues a text message from `from` that replies to the bot's message `replyTo` in `chat` (as it is now). */
  sendReply(from: User, text: string, chat: Chat, replyTo: number, extra: Partial<Message> = {}): Update {
    const original = this.messages.get(`${chat.id}:${replyTo}`);
    if (!original) throw new Error(`no message ${replyTo} in chat ${chat.id}`);
    this.chats.set(chat.id, chat);
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      text,
      reply_to_message: original,
      ...extra,
    };
    return this.pushUpdate({ message } as unknown as Omit<Update, "update_id">);
  }

  /** Queues a press by `from` of an inline button with `data` under the bot's message `messageId` in `chat`. */
  pressButton(from: User, chat: Chat, messageId: number, data: string): Update {
    const message = this.messages.get(`${chat.id}:${messageId}`);
    if (!message) throw new Error(`no message ${messageId} in chat ${chat.id}`);
    const callback_query = {
      id: `cb-${this.nextUpdateId}`,
      from,
      message,
      chat_instance: `ci-${chat.id}`,
      data,
    };
    return this.pushUpdate({ callback_query } as unknown as Omit<Update, "update_id">);
  }

  pushUpdate(update: Omit<Update, "update_id"> & { update_id?: number }): Update {
    const full = { ...update, update_id: update.update_id ?? this.nextUpdateId++ } as Update;
    this.updates.push(full);
    this.events.emit("update");
    if (this.webhook) this.postToWebhook(full);
    return full;
  }

  /**
   * Delivers `update` once more with its original id, as Telegram does when a poll was not confirmed
   * (or, with a webhook, when it took a POST for lost).
   */
  redeliver(update: Update): void {
    if (this.webhook) {
      this.postToWebhook(update);
      return;
    }
    this.redeliveries.push(update);
    this.events.emit("update");
  }

  /**
   * From now on, calls that match `predicate` (called once per call, in arrival order) are held: not
   * carried out and not answered, like requests still on their way to Telegram. `release()` carries
   * them out and answers them (one whose client is gone by then is dropped); `drop()` lets them never
   * reach Telegram, as when the process that sent them died before they got there.
   */
  hold(predicate: (call: ApiCall) => boolean): Hold {
    let end: (outcome: "release" | "drop") => void = () => {};
    const ended = new Promise<"release" | "drop">((resolve) => {
      end = resolve;
    });
    const held: ApiCall[] = [];
    const entry = {
      predicate: (call: ApiCall) => predicate(call) && held.push(call) > 0,
      ended,
    };
    this.holds.push(entry);
    const finish = (outcome: "release" | "drop") => {
      const index = this.holds.indexOf(entry);
      if (index >= 0) this.holds.splice(index, 1);
      end(outcome);
    };
    return { held, release: () => finish("release"), drop: () => finish("drop") };
  }

  /** Webhook POSTs of `updateId` so far. */
  postsOf(updateId: number): WebhookPost[] {
    return this.webhookPosts.filter((p) => p.updateId === updateId);
  }

  /** Resolves once the fake has answered `call`. */
  async answered(call: ApiCall, timeoutMs = 15_000): Promise<ApiCall> {
    await this.until(
      () => call.ok !== undefined,
      timeoutMs,
      () => `${call.method} was never answered`,
    );
    return call;
  }

  /** The current text of a message the bot sent (after its edits). */
  textOf(chatId: number, messageId: number): string | undefined {
    const message = this.messages.get(`${chatId}:${messageId}`);
    return message && "text" in message ? message.text : undefined;
  }

  /** The inline keyboard a message the bot sent shows now (after its edits), if any. */
  markupOf(chatId: number, messageId: number): unknown {
    return (this.messages.get(`${chatId}:${messageId}`) as { reply_markup?: unknown } | undefined)
      ?.reply_markup;
  }

  /** Waits until the text of message `messageId` satisfies `predicate`; resolves with that text. */
  async waitForText(
    chatId: number,
    messageId: number,
    predicate: (text: string) => boolean,
    timeoutMs = 15_000,
  ): Promise<string> {
    await this.until(
      () => {
        const text = this.textOf(chatId, messageId);
        return text !== undefined && predicate(text);
      },
      timeoutMs,
      () => `message ${chatId}:${messageId} still reads ${JSON.stringify(this.textOf(chatId, messageId))}`,
    );
    return this.textOf(chatId, messageId) as string;
  }

  /** The next `count` calls of `method` are answered with `fault` instead of being carried out. */
  failNext(method: string, fault: Fault, count = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < count; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  /** Resolves with the first call (already made or coming) that matches; rejects after `timeoutMs`. */
  waitForCall(predicate: (call: ApiCall) => boolean, timeoutMs = 15_000, since = 0): Promise<ApiCall> {
    const found = this.calls.slice(since).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onCall = (call: ApiCall) => {
        if (!predicate(call)) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching Bot API call within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off("call", onCall);
      };
      this.events.on("call", onCall);
    });
  }

  /** Messages and documents delivered to `chatId` (calls that succeeded), in order. */
  sentTo(chatId: number): ApiCall[] {
    return this.calls.filter(
      (c) => c.ok === true && isOutgoing(c.method) && Number(c.payload.chat_id) === chatId,
    );
  }

  /** Waits until `count` more messages (or documents) than the first `after` were delivered to `chatId`. */
  async repliesTo(chatId: number, count: number, after: number, timeoutMs = 15_000): Promise<ApiCall[]> {
    await this.until(
      () => this.sentTo(chatId).length >= after + count,
      timeoutMs,
      () => {
        const sent = this.sentTo(chatId).slice(after);
        const texts = JSON.stringify(sent.map((c) => c.payload.text ?? c.payload.document));
        return `chat ${chatId}: expected ${count} replies after ${after}, got ${sent.length}: ${texts}`;
      },
    );
    return this.sentTo(chatId).slice(after, after + count);
  }

  /** Resolves once `condition` holds after some call was answered; rejects with `failure()` after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onHandled = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(failure()));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off("handled", onHandled);
      };
      this.events.on("handled", onHandled);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? "");
    if (download) {
      if (download[1] !== this.token) {
        return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
      }
      this.files.serve(download[2] as string, res);
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? "");
    if (!match || match[1] !== this.token) {
      return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    }
    const method = match[2] as string;
    const payload = await readPayload(req);
    const call: ApiCall = { method, payload, at: Date.now() };
    this.calls.push(call);
    this.events.emit("call", call);

    const hold = this.holds.find((h) => h.predicate(call));
    if (hold) {
      let gone = false;
      res.once("close", () => {
        if (!res.writableEnded) gone = true;
      });
      if ((await hold.ended) === "drop" || gone || res.destroyed) {
        call.dropped = true;
        res.destroy();
        this.events.emit("handled", call);
        return;
      }
    }

    const fault = this.faults.get(method)?.shift();
    if (fault === DROP) {
      call.ok = false;
      this.events.emit("handled", call);
      req.socket.destroy();
      return;
    }
    const refusal =
      fault ?? this.guards.reduce<Fault | undefined>((r, g) => r ?? g(method, payload), undefined);
    const result: Result = refusal ? { ok: false, ...refusal } : await this.execute(method, payload);
    call.ok = result.ok;
    if (result.ok && method !== "editMessageText") {
      const id = (result.result as { message_id?: unknown }).message_id;
      if (typeof id === "number") call.messageId = id;
    }
    this.events.emit("handled", call);
    if (res.destroyed) return;
    send(res, result.ok ? 200 : result.error_code, result);
  }

  /** A file download, as Telegram serves it: the token in the path, 404 for a path it does not know. */
  /** answerInlineQuery as strict as Telegram: a live, unanswered query; at most 50 valid, distinct results. */
  private answerInlineQuery(p: Record<string, unknown>): Result {
    const id = String(p.inline_query_id ?? "");
    const query = this.inlineQueries.get(id);
    if (!query || query.answered || Date.now() - query.at > INLINE_ANSWER_DEADLINE_MS) {
      return badRequest("Bad Request: query is too old and response timeout expired or query ID is invalid");
    }
    const results = (Array.isArray(p.results) ? p.results : JSON.parse(String(p.results ?? "[]"))) as Record<
      string,
      unknown
    >[];
    if (results.length > 50) return badRequest("Bad Request: RESULTS_TOO_MUCH");
    const ids = new Set<string>();
    for (const result of results) {
      const resultId = String(result.id ?? "");
      if (resultId === "" || Buffer.byteLength(resultId) > 64)
        return badRequest("Bad Request: RESULT_ID_INVALID");
      if (ids.has(resultId)) return badRequest("Bad Request: RESULT_ID_DUPLICATE");
      ids.add(resultId);
      const content = result.input_message_content as { message_text?: string } | undefined;
      if (result.type === "article") {
        if (typeof result.title !== "string" || result.title === "")
          return badRequest("Bad Request: RESULT_TITLE_EMPTY");
        const text = content?.message_text ?? "";
        if (text.trim() === "") return badRequest("Bad Request: MESSAGE_EMPTY");
        if (text.length > 4096) return badRequest("Bad Request: MESSAGE_TOO_LONG");
      }
    }
    if (p.next_offset !== undefined && Buffer.byteLength(String(p.next_offset)) > 64) {
      return badRequest("Bad Request: NEXT_OFFSET_INVALID");
    }
    query.answered = true;
    this.inlineAnswers.push({ inlineQueryId: id, payload: { ...p, results } });
    return ok(true);
  }

  private async execute(method: string, p: Record<string, unknown>): Promise<Result> {
    switch (method) {
      case "answerInlineQuery":
        return this.answerInlineQuery(p);
      case "getMe":
        return ok(BOT_USER);
      case "getUpdates":
        if (this.webhook) {
          return {
            ok: false,
            error_code: 409,
            description:
              "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          };
        }
        return ok(await this.getUpdates(p));
      case "setWebhook":
        this.setWebhook(p);
        return ok(true);
      case "deleteWebhook":
        this.webhook = undefined;
        return ok(true);
      case "setMyCommands":
      case "sendChatAction":
      case "answerCallbackQuery":
        return ok(true);
      case "sendMessage":
        return this.sendMessage(p);
      case "editMessageText":
        return this.editMessageText(p);
      case "sendMessageDraft":
        if (!this.draftsSupported) return badRequest("Bad Request: method is not available for this bot");
        return ok(true);
      case "deleteMessage":
        return this.messages.delete(`${p.chat_id}:${p.message_id}`)
          ? ok(true)
          : badRequest("Bad Request: message to delete not found");
      case "sendDocument":
        return ok(this.store(Number(p.chat_id), { document: p.document, caption: p.caption }));
      case "getChatMember":
        return this.chatMember(p);
      case "getFile":
        return this.files.getFile(p);
      default:
        return { ok: false, error_code: 404, description: "Not Found: method not found" };
    }
  }

  /** Starts POSTing to the webhook, beginning with the updates nobody has confirmed yet. */
  private setWebhook(p: Record<string, unknown>): void {
    const first = this.webhook === undefined;
    this.webhook = {
      url: String(p.url),
      secret: p.secret_token === undefined ? undefined : String(p.secret_token),
      maxConnections: Number(p.max_connections ?? 40),
    };
    if (first) {
      const pending = [
        ...this.redeliveries,
        ...this.updates.filter((u) => u.update_id >= this.confirmedOffset),
      ];
      this.redeliveries.length = 0;
      for (const update of pending) this.postToWebhook(update);
    }
  }

  private postToWebhook(update: Update, first = false): void {
    if (first) this.webhookQueue.unshift(update);
    else this.webhookQueue.push(update);
    this.pumpWebhook();
  }

  private pumpWebhook(): void {
    while (
      this.webhook &&
      this.webhookInFlight < this.webhook.maxConnections &&
      this.webhookQueue.length > 0
    ) {
      const update = this.webhookQueue.shift() as Update;
      this.webhookInFlight++;
      void this.postOnce(this.webhook, update).finally(() => {
        this.webhookInFlight--;
        this.pumpWebhook();
      });
    }
  }

  /** One POST; a failed one is made again after `webhookRetryMs`, as long as the webhook is set. */
  private async postOnce(webhook: { url: string; secret: string | undefined }, update: Update) {
    const at = Date.now();
    let status: WebhookPost["status"];
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(webhook.secret ? { "x-telegram-bot-api-secret-token": webhook.secret } : {}),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.any([AbortSignal.timeout(this.webhookTimeoutMs), this.closing.signal]),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      status = (error as Error).name === "TimeoutError" ? "timeout" : "error";
    }
    if (this.closing.signal.aborted) return;
    this.webhookPosts.push({ updateId: update.update_id, at, status });
    if (typeof status === "number" && status >= 200 && status < 300) {
      this.webhookDelivered.add(update.update_id);
    } else {
      const timer = setTimeout(() => {
        this.webhookTimers.delete(timer);
        if (this.webhook) this.postToWebhook(update, true);
      }, this.webhookRetryMs);
      this.webhookTimers.add(timer);
    }
    this.events.emit("handled");
  }

  private async getUpdates(p: Record<string, unknown>): Promise<Update[]> {
    const offset = Number(p.offset ?? 0);
    if (offset > this.confirmedOffset) this.confirmedOffset = offset;
    const pending = () => [
      ...this.redeliveries,
      ...this.updates.filter(
        (u) => u.update_id >= this.confirmedOffset && !this.webhookDelivered.has(u.update_id),
      ),
    ];
    const limit = Number(p.limit ?? 100);
    if (pending().length === 0) {
      const timeoutMs = Number(p.timeout ?? 0) * 1000;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.events.off("update", done);
          this.events.off("closing", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.events.on("update", done);
        this.events.on("closing", done);
      });
    }
    const batch = pending().slice(0, limit);
    this.redeliveries.splice(0, batch.length);
    return batch;
  }

  /**
   * getChatMember: the creator (makeCreator), an administrator (makeAdmin), one who left (leave) or a
   * member, with the fields Telegram's ChatMember of that status has.
   */
  private chatMember(p: Record<string, unknown>): Result {
    const chatId = Number(p.chat_id);
    const userId = Number(p.user_id);
    if (!Number.isInteger(userId) || userId <= 0) return badRequest("Bad Request: invalid user_id specified");
    if (!this.chats.has(chatId)) return badRequest("Bad Request: chat not found");
    const user = { id: userId, is_bot: false, first_name: "?" };
    if (this.creators.get(chatId) === userId) return ok({ status: "creator", user, is_anonymous: false });
    if (this.left.get(chatId)?.has(userId)) return ok({ status: "left", user });
    if (!this.admins.get(chatId)?.has(userId)) return ok({ status: "member", user });
    return ok({
      status: "administrator",
      user,
      can_be_edited: false,
      is_anonymous: false,
      can_manage_chat: true,
      can_delete_messages: true,
      can_manage_video_chats: true,
      can_restrict_members: true,
      can_promote_members: false,
      can_change_info: true,
      can_invite_users: true,
      can_post_stories: false,
      can_edit_stories: false,
      can_delete_stories: false,
      can_pin_messages: true,
    });
  }

  private sendMessage(p: Record<string, unknown>): Result {
    const text = String(p.text ?? "");
    const invalid = this.validateText(text, p.parse_mode);
    if (invalid) return invalid;
    return ok(
      this.store(Number(p.chat_id), {
        text: visibleText(text, p.parse_mode),
        ...(p.reply_markup === undefined ? {} : { reply_markup: p.reply_markup }),
        ...(p.message_thread_id === undefined
          ? {}
          : { message_thread_id: Number(p.message_thread_id), is_topic_message: true }),
      }),
    );
  }

  private editMessageText(p: Record<string, unknown>): Result {
    const chatId = Number(p.chat_id);
    const times = this.editTimes.get(chatId) ?? [];
    const last = times.at(-1);
    if (this.editIntervalMs !== undefined && last !== undefined && Date.now() - last < this.editIntervalMs) {
      const retryAfter = Math.ceil((this.editIntervalMs - (Date.now() - last)) / 1000);
      return {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      };
    }
    const key = `${p.chat_id}:${p.message_id}`;
    const message = this.messages.get(key);
    if (!message) return badRequest("Bad Request: message to edit not found");
    const source = String(p.text ?? "");
    const invalid = this.validateText(source, p.parse_mode);
    if (invalid) return invalid;
    const text = visibleText(source, p.parse_mode);
    const markup = JSON.stringify(p.reply_markup ?? null);
    if (
      "text" in message &&
      message.text === text &&
      JSON.stringify(message.reply_markup ?? null) === markup
    ) {
      return badRequest(
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    // As Telegram does, an edit without reply_markup removes the message's inline keyboard.
    const { reply_markup: _dropped, ...rest } = message as Message & { reply_markup?: unknown };
    const edited = {
      ...rest,
      text,
      edit_date: Math.floor(Date.now() / 1000),
      ...(p.reply_markup === undefined ? {} : { reply_markup: p.reply_markup }),
    } as Message;
    this.messages.set(key, edited);
    this.editTimes.set(chatId, [...times, Date.now()]);
    return ok(edited);
  }

  private validateText(text: string, parseMode: unknown): Result | undefined {
    if (text.trim() === "") return badRequest("Bad Request: message text is empty");
    if (visibleText(text, parseMode).length > 4096) return badRequest("Bad Request: message is too long");
    if (parseMode === "HTML") {
      const error = this.rejectHtml ? "Unsupported start tag" : htmlParseError(text);
      if (error) return badRequest(`Bad Request: can't parse entities: ${error}`);
    }
    return undefined;
  }

  private store(chatId: number, content: Record<string, unknown>): Message {
    const chat = this.chats.get(chatId) ?? ({ id: chatId, type: "private", first_name: "?" } as Chat);
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: BOT_USER,
      ...content,
    } as unknown as Message;
    this.messages.set(`${chatId}:${message.message_id}`, message);
    return message;
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"' };

/** What Telegram stores and shows as the message text: the markup parsed away. */
function visibleText(text: string, parseMode: unknown): string {
  if (parseMode !== "HTML") return text;
  return text
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#\d+);/g, (_, name: string) =>
      name.startsWith("#") ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name] ?? ""),
    );
}

const isOutgoing = (method: string) => method === "sendMessage" || method === "sendDocument";

const ok = (result: unknown): Result => ({ ok: true, result });
const badRequest = (description: string): Result => ({ ok: false, error_code: 400, description });

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Bot API parameters arrive as JSON, a form, multipart (file uploads) or the query string. */
async function readPayload(req: IncomingMessage): Promise<Record<string, unknown>> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const payload: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (body.length === 0) return payload;
  if (type.startsWith("application/json"))
    return { ...payload, ...(JSON.parse(body.toString("utf8")) as object) };
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return { ...payload, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
  }
  if (type.startsWith("multipart/form-data")) {
    const form = await new Request(url, {
      method: "POST",
      headers: { "content-type": type },
      body,
    }).formData();
    const files = new Map<string, SentDocument>();
    for (const [name, value] of form) {
      if (typeof value === "string") payload[name] = parseFieldValue(value);
      else files.set(name, { filename: value.name, content: await value.text() });
    }
    // grammY names the file part at random and points the parameter at it: `document: "attach://<name>"`.
    for (const [name, value] of Object.entries(payload)) {
      if (typeof value === "string" && value.startsWith("attach://"))
        payload[name] = files.get(value.slice(9));
    }
  }
  return payload;
}

/** In multipart bodies grammY sends objects and arrays as JSON strings, and attaches files by name. */
function parseFieldValue(value: string): unknown {
  if (value.startsWith("{") || value.startsWith("[")) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}
