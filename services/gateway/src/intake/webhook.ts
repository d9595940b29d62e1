/**
 * Webhook mode: Telegram POSTs each update to WEBHOOK_URL. A POST without the secret-token header is
 * refused (401). Otherwise the update is recorded in the inbox and answered 200 at once, then handled
 * in this process (per chat in order, chats concurrently), so a slow handler never makes Telegram
 * deliver the update again. A POST of an update already recorded (Telegram repeating one it thinks
 * was lost, or another gateway behind the same balancer recorded it) is answered 200 and not handled
 * again here. When PostgreSQL cannot record it, the update is handled first and answered after.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { Logger } from "@notesbot/shared/logging";
import type { GatewayMetrics } from "@notesbot/shared/metrics";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../context.js";
import type { Dispatcher } from "./dispatcher.js";
import { isFleeting } from "./fleeting.js";
import type { Inbox } from "./inbox.js";

/** Telegram's updates are a few kilobytes; anything much larger is not one. */
const MAX_BODY_BYTES = 1 << 20;
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export async function startWebhookServer(deps: WebhookDeps): Promise<{ close: () => Promise<void> }> {
  const { bot, inbox, dispatcher, metrics, logger, webhook } = deps;
  const secret = Buffer.from(webhook.secret);
  const hasSecret = (req: IncomingMessage) => {
    const given = Buffer.from(String(req.headers[SECRET_HEADER] ?? ""));
    return given.length === secret.length && timingSafeEqual(given, secret);
  };

  /** The HTTP status to answer; handling of a recorded update goes on after the answer. */
  async function receive(update: Update): Promise<number> {
    if (isFleeting(update)) {
      // Answered at once, never recorded (fleeting.ts).
      void dispatcher.dispatch(update, { again: false, fleeting: true });
      return 200;
    }
    let fresh: boolean;
    try {
      fresh = (await inbox.record([update])).has(update.update_id);
    } catch (error) {
      logger.warn(
        { err: error, updateId: update.update_id },
        "could not record an update; handling it first",
      );
      metrics.intake.recorded.inc({ outcome: "unrecorded" });
      await dispatcher.dispatch(update, { again: false });
      return 200;
    }
    metrics.intake.recorded.inc({ outcome: fresh ? "new" : "duplicate" });
    // Started now (it counts as in flight at once, so a shutdown waits for it), not awaited.
    if (fresh) void dispatcher.dispatch(update, { results: {}, again: false });
    return 200;
  }

  const server = createServer((req, res) => {
    if (req.method !== "POST") return void res.writeHead(405).end();
    if (!hasSecret(req)) return void res.writeHead(401).end("secret token is wrong");
    readUpdate(req)
      .then((update) => (update === undefined ? 400 : receive(update)))
      .then(
        (status) => res.writeHead(status).end(),
        (error: unknown) => {
          logger.error({ err: error }, "webhook request failed");
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(webhook.port, resolve));
  await bot.api.setWebhook(webhook.url, {
    secret_token: webhook.secret,
    allowed_updates: deps.allowedUpdates,
  });
  return {
    /** Stops taking POSTs and waits for the handlers in flight. */
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await dispatcher.idle();
    },
  };
}

/** The update in the body, or undefined when the body is not one. */
async function readUpdate(req: IncomingMessage): Promise<Update | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Partial<Update> | null;
    return Number.isSafeInteger(body?.update_id) ? (body as Update) : undefined;
  } catch {
    return undefined;
  }
}

export interface WebhookDeps {
  bot: Bot<BotContext>;
  inbox: Inbox;
  dispatcher: Dispatcher;
  metrics: GatewayMetrics;
  logger: Logger;
  webhook: { url: string; secret: string; port: number };
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, "update_id">>;
}
