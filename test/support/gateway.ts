import type { Chat, User } from "grammy/types";
import { inject } from "vitest";
import { FakeTelegram } from "./fake-telegram.js";
import { ServiceProcess } from "./service.js";

export interface RunningGateway {
  telegram: FakeTelegram;
  gateway: ServiceProcess;
  /** Sends `text` as `user` (in `chat`, default their private chat) and returns the bot's next `replies` texts. */
  say(user: User, text: string, options?: { chat?: Chat; replies?: number }): Promise<string[]>;
  /** SIGTERM to the gateway; resolves with its exit code once the fake Telegram is closed too. */
  stop(): Promise<number | null>;
}

/** Starts the real gateway process against a fresh fake Telegram and the run's database. */
export async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const telegram = await FakeTelegram.start();
  const gateway = new ServiceProcess("gateway", {
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DATABASE_URL: inject("databaseUrl"),
    ...env,
  });
  const exitedEarly = gateway.exit().then((code) => {
    throw new Error(`gateway exited with ${code} before polling:\n${gateway.output}`);
  });
  await Promise.race([telegram.waitForCall((c) => c.method === "getUpdates"), exitedEarly]);
  exitedEarly.catch(() => {});

  return {
    telegram,
    gateway,
    async say(user, text, { chat, replies = 1 } = {}) {
      const chatId = chat?.id ?? user.id;
      const before = telegram.sentTo(chatId).length;
      telegram.sendText(user, text, chat);
      const calls = await telegram.repliesTo(chatId, replies, before);
      return calls.map((c) => String(c.payload.text ?? c.payload.caption ?? ""));
    },
    async stop() {
      const code = await gateway.stop("SIGTERM");
      await telegram.close();
      return code;
    },
  };
}
