import { createServer } from "node:http";
import type { Logger } from "@notesbot/shared/logging";
import { type Bot, webhookCallback } from "grammy";

/**
 * Webhook mode: Telegram POSTs updates to WEBHOOK_URL; requests without the secret-token header are
 * rejected by grammY's callback before any handler runs.
 */
export async function startWebhookServer(
  bot: Bot,
  webhook: { url: string; secret: string; port: number },
  logger: Logger,
): Promise<{ close: () => Promise<void> }> {
  const handleUpdate = webhookCallback(bot, "http", { secretToken: webhook.secret });
  const server = createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    handleUpdate(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "webhook update failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(webhook.port, resolve));
  await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: ["message"] });
  return {
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
