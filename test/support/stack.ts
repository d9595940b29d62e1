import type { Chat, User } from "grammy/types";
import pg from "pg";
import { inject } from "vitest";
import { createQueuePrefix, createTestDatabase } from "./database.js";
import { type FakeOpenRouter, startFakeOpenRouter } from "./fake-openrouter.js";
import { FakeTelegram } from "./fake-telegram.js";
import { ServiceProcess } from "./service.js";

const withPort = (url: string, port: number) => {
  const changed = new URL(url);
  changed.port = String(port);
  return changed.toString();
};

export interface StackOptions {
  /** Extra environment for both services (e.g. ALLOWED_USER_IDS, ASK_MAX_ATTEMPTS). */
  env?: Record<string, string>;
  /** Worker processes to start now (more can be added with `addWorker`). */
  workers?: number;
  /** The services reach PostgreSQL on this port (e.g. a proxy the test can cut) instead of the server's. */
  databasePort?: number;
}

/**
 * The real gateway and workers as processes, against a fake Telegram, a fake OpenRouter, a database
 * of their own and a BullMQ prefix of their own.
 */
export class Stack {
  readonly workers: ServiceProcess[] = [];
  gateway!: ServiceProcess;
  private pool: pg.Pool | undefined;

  private constructor(
    readonly telegram: FakeTelegram,
    readonly openrouter: FakeOpenRouter,
    readonly databaseUrl: string,
    readonly env: Record<string, string>,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    const [telegram, databaseUrl] = await Promise.all([FakeTelegram.start(), createTestDatabase()]);
    // The bot token never reaches OpenRouter (a Telegram file URL carries it): the fake refuses it.
    const openrouter = await startFakeOpenRouter({ forbidden: [telegram.token] });
    const env = {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OPENROUTER_API_KEY: "test-openrouter-key",
      OPENROUTER_BASE_URL: openrouter.baseUrl,
      OPENROUTER_RPM: "0",
      DATABASE_URL:
        options.databasePort === undefined ? databaseUrl : withPort(databaseUrl, options.databasePort),
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: createQueuePrefix(),
      // Fast retries, so tests of retries take fractions of a second.
      ASK_RETRY_BASE_MS: "50",
      // Tests ask a lot from one user; the per-user limit has a test of its own.
      ASK_USER_LIMIT_PER_MINUTE: "0",
      // Tests talk a lot in one chat, faster than Telegram's pace for a chat; the shared Telegram budget
      // has tests of its own (faults/telegram-budget.test.ts, unit/telegram-budget.test.ts).
      TELEGRAM_BUDGET: "false",
      // A failure is the active model's own; fallbacks have a test of their own.
      FALLBACK_MODELS: "none",
      // Free ports picked by the system; ServiceProcess.metricsUrl() reads them from the log.
      GATEWAY_METRICS_PORT: "0",
      WORKER_METRICS_PORT: "0",
      ...options.env,
    };
    const stack = new Stack(telegram, openrouter, databaseUrl, env);
    await Promise.all([
      stack.startGateway(),
      ...Array.from({ length: options.workers ?? 0 }, () => stack.addWorker()),
    ]);
    return stack;
  }

  /** A connection pool to the stack's own database, for assertions on rows (closed by stop()). */
  get db(): pg.Pool {
    this.pool ??= new pg.Pool({ connectionString: this.databaseUrl, max: 4 });
    return this.pool;
  }

  /** Starts a gateway process (again, after a stop) and resolves once it takes updates. */
  async startGateway(): Promise<ServiceProcess> {
    this.gateway = new ServiceProcess("gateway", this.env);
    await this.gateway.waitForOutput(/"msg":"gateway started"/);
    return this.gateway;
  }

  /** Starts one more worker process and resolves once it takes jobs. */
  async addWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const worker = new ServiceProcess("worker", { ...this.env, ...env });
    this.workers.push(worker);
    await worker.waitForOutput(/"msg":"worker started"/);
    return worker;
  }

  /** Sends `text` as `user` (in `chat`, default their private chat) and returns the bot's next `replies` texts. */
  async say(user: User, text: string, { chat, replies = 1 }: { chat?: Chat; replies?: number } = {}) {
    const chatId = chat?.id ?? user.id;
    const before = this.telegram.sentTo(chatId).length;
    this.telegram.sendText(user, text, chat);
    const calls = await this.telegram.repliesTo(chatId, replies, before);
    return calls.map((c) => String(c.payload.text ?? c.payload.caption ?? ""));
  }

  /** SIGTERM to every process; resolves with their exit codes (gateway first). */
  async stop(): Promise<(number | null)[]> {
    const codes = await Promise.all([this.gateway.stop(), ...this.workers.map((w) => w.stop())]);
    await Promise.all([this.telegram.close(), this.openrouter.close(), this.pool?.end()]);
    return codes;
  }
}
