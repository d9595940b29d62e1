import { performance } from "node:perf_hooks";
import { type FakeOpenRouter, startFakeOpenRouter } from "../../test/support/fake-openrouter.js";
import type { Before } from "./before.js";
import { type BenchEnv, REDIS_URL } from "./env.js";
import { Proc } from "./process.js";
import { LoadTelegram } from "./telegram.js";
import { ANSWER, Tracker } from "./tracker.js";

/** The fake Telegram and OpenRouter of one run, and the tracker of the bot's replies. */
export class Fakes {
  private constructor(
    readonly telegram: LoadTelegram,
    readonly openrouter: FakeOpenRouter,
    public tracker: Tracker,
  ) {}

  static async start(): Promise<Fakes> {
    const [telegram, openrouter] = await Promise.all([LoadTelegram.start(), startFakeOpenRouter()]);
    openrouter.setDefault({ kind: "answer", content: ANSWER });
    return new Fakes(telegram, openrouter, new Tracker(telegram));
  }

  /** OpenRouter answers every request after `delayMs`. */
  latency(delayMs: number): void {
    this.openrouter.setDefault({ kind: "answer", content: ANSWER, delayMs });
  }

  /**
   * OpenRouter streams every answer (to a request with `stream: true`, as the worker sends by default)
   * as `chunks` pieces, `chunkDelayMs` apart; the fake then sends the finish, usage and [DONE] events at
   * the same pace, so a stream lasts `(chunks + 3) × chunkDelayMs` and its first words come after one delay.
   */
  streamAnswers(stream: AnswerStream): void {
    const characters = Array.from(ANSWER);
    const size = Math.ceil(characters.length / stream.chunks);
    const pieces = Array.from({ length: stream.chunks }, (_, i) =>
      characters.slice(i * size, (i + 1) * size).join(""),
    ).filter((piece) => piece !== "");
    this.openrouter.setDefault({ kind: "stream", chunks: pieces, chunkDelayMs: stream.chunkDelayMs });
  }

  /** When each question's request arrived at OpenRouter, as a `performance.now()` time (by the question). */
  requestedAt(): Map<string, number> {
    const times = new Map<string, number>();
    for (const request of this.openrouter.requests) {
      const question = request.messages.findLast((m) => m.role === "user")?.content;
      // The fake stamps Date.now(); the tracker, performance.now().
      if (typeof question === "string") times.set(question, request.at - performance.timeOrigin);
    }
    return times;
  }

  /** Starts tracking afresh (after a warm-up). */
  resetTracker(): Tracker {
    this.tracker = new Tracker(this.telegram);
    return this.tracker;
  }

  async close(): Promise<void> {
    await Promise.all([this.telegram.close(), this.openrouter.close()]);
  }
}

/** How the fake OpenRouter streams answers (`Fakes.streamAnswers`). */
export interface AnswerStream {
  chunks: number;
  chunkDelayMs: number;
}

/** How long a stream lasts: its chunks, then the finish, usage and [DONE] events, each one delay apart. */
export const streamMs = (stream: AnswerStream) => (stream.chunks + 3) * stream.chunkDelayMs;

export type TargetKind = "ours" | "runner" | "bot-start";

export const TARGET_LABEL: Record<TargetKind, string> = {
  ours: "gateway + queue + worker",
  runner: "baseline: grammY + @grammyjs/runner, LLM call in the handler",
  "bot-start": "baseline: grammY bot.start(), LLM call in the handler",
};

/** The code before (`--before`): its prepared checkout and the template database its own migrations made. */
export interface CodeBefore {
  code: Before;
  template: string;
}

/**
 * The bot under test as processes: our gateway and workers, those of the code before, or one baseline
 * bot (as `gateway`).
 */
export class Target {
  private constructor(
    readonly kind: TargetKind | "before",
    readonly databaseUrl: string,
    readonly gateway: Proc,
    readonly workers: Proc[],
    /** Ours and the code before: the BullMQ prefix of the ask queue. */
    readonly queuePrefix = "",
  ) {}

  /**
   * The compiled gateway and `workers` workers, as test/support/stack.ts starts them; with `before`,
   * those of the code before, with the same environment, on a database copied from its own template.
   */
  static async ours(
    env: BenchEnv,
    fakes: Fakes,
    options: {
      workers: number;
      concurrency: number;
      databaseUrl?: string;
      before?: CodeBefore;
      /** The shared Telegram budget (on in production): only where the fake enforces flood limits (S6, S7). */
      telegramBudget?: boolean;
    },
  ): Promise<Target> {
    const { before } = options;
    const vars = {
      TELEGRAM_BOT_TOKEN: fakes.telegram.token,
      TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
      OPENROUTER_API_KEY: "bench-openrouter-key",
      OPENROUTER_BASE_URL: fakes.openrouter.baseUrl,
      OPENROUTER_RPM: "0",
      DATABASE_URL: options.databaseUrl ?? (await env.createDatabase(before?.template)),
      REDIS_URL,
      QUEUE_PREFIX: env.queuePrefix(),
      GATEWAY_METRICS_PORT: "0",
      WORKER_METRICS_PORT: "0",
      WORKER_CONCURRENCY: String(options.concurrency),
      // Per-user ask limits out of the way (their bookkeeping still runs): the load is many asks per user.
      ASK_USER_LIMIT_PER_MINUTE: "1000",
      ASK_USER_MAX_IN_FLIGHT: "1000",
      // Off where the fake Telegram has no limits: those scenarios measure the bot, not Telegram's pace.
      TELEGRAM_BUDGET: String(options.telegramBudget ?? false),
    };
    const service = (name: "gateway" | "worker") => Proc.service(name, vars, before?.code);
    const target = new Target(
      before ? "before" : "ours",
      vars.DATABASE_URL,
      service("gateway"),
      Array.from({ length: options.workers }, () => service("worker")),
      vars.QUEUE_PREFIX,
    );
    await target.started([
      target.gateway.waitFor(/"msg":"gateway started"/),
      ...target.workers.map((w) => w.waitFor(/"msg":"worker started"/)),
    ]);
    return target;
  }

  /** A baseline bot from bench/baselines, run with tsx. */
  static async baseline(env: BenchEnv, fakes: Fakes, kind: Exclude<TargetKind, "ours">): Promise<Target> {
    const databaseUrl = await env.createDatabase();
    const bot = Proc.typescript(kind, `bench/baselines/${kind}.ts`, {
      TELEGRAM_BOT_TOKEN: fakes.telegram.token,
      TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
      OPENROUTER_API_KEY: "bench-openrouter-key",
      OPENROUTER_BASE_URL: fakes.openrouter.baseUrl,
      DATABASE_URL: databaseUrl,
    });
    const target = new Target(kind, databaseUrl, bot, []);
    await target.started([bot.waitFor(/baseline started/)]);
    return target;
  }

  /** Waits for every process to start; stops them all if one does not. */
  private async started(ready: Promise<void>[]): Promise<void> {
    try {
      await Promise.all(ready);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Peak RSS (MiB) of the gateway, and of the largest worker. */
  peakRss(): { gateway: number; worker: number } {
    return {
      gateway: this.gateway.peakRssMb(),
      worker: this.workers.length > 0 ? Math.max(...this.workers.map((w) => w.peakRssMb())) : Number.NaN,
    };
  }

  /** CPU seconds used so far by the gateway and by all workers together. */
  cpuSeconds(): { gateway: number; workers: number } {
    return {
      gateway: this.gateway.cpuSeconds(),
      workers: this.workers.reduce((sum, w) => sum + w.cpuSeconds(), 0),
    };
  }

  async stop(): Promise<void> {
    // A baseline stuck in a backlog of slow handlers gets little grace: its figures are taken already.
    const grace = this.kind === "runner" || this.kind === "bot-start" ? 1_000 : 10_000;
    await Promise.all([this.gateway, ...this.workers].map((p) => p.stop(grace)));
  }
}
