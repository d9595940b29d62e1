import { existsSync } from "node:fs";
import { z } from "zod";

/** Comma-separated Telegram user ids; empty means "no restriction". */
const userIdList = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const ids = new Set<number>();
    for (const part of raw.split(",").map((p) => p.trim())) {
      if (part === "") continue;
      if (!/^\d{1,15}$/.test(part)) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not a Telegram user id` });
        return z.NEVER;
      }
      ids.add(Number(part));
    }
    return ids;
  });

const port = z.coerce.number().int().min(1).max(65535);
/** 0 lets the system pick a free port (tests); the service logs the port it got. */
const metricsPort = z.coerce.number().int().min(0).max(65535);
const ms = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 3600 * 1000);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string({ error: "is required" })
    .trim()
    .regex(/^\d+:[\w-]+$/, "must look like 123456:ABC-DEF (the token from @BotFather)"),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  TELEGRAM_BUDGET: z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default("true")
    .transform((v) => ["true", "1", "yes"].includes(v)),
  OPENROUTER_API_KEY: optionalString,
  OPENROUTER_BASE_URL: z.url().default("https://openrouter.ai/api/v1"),
  DATABASE_URL: z.url().default("postgres://postgres@127.0.0.1:5432/notesbot"),
  // Bounds every PostgreSQL statement and the wait for a connection (see db/index.ts).
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z.string().trim().min(1).default("bull"),
  OPENROUTER_RPM: z.coerce.number().int().min(0).default(20),
  // LLM calls mostly wait on the network, so one process keeps a 2-core machine busy with many.
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  GATEWAY_METRICS_PORT: metricsPort.default(9101),
  WORKER_METRICS_PORT: metricsPort.default(9102),
  ALLOWED_USER_IDS: userIdList,
  ADMIN_USER_IDS: userIdList,
  WEBHOOK_URL: optionalString.pipe(z.url().optional()),
  WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[\w-]{1,256}$/, "may contain only A-Z, a-z, 0-9, _ and - (1-256 characters)")
      .optional(),
  ),
  PORT: port.default(8080),
  // Tuning of /ask; the defaults are documented in README.md ("How /ask fails").
  OPENROUTER_TIMEOUT_MS: ms.default(60_000),
  // Bounds a model cannot break: the answer's tokens asked for, and the text gathered for one answer.
  OPENROUTER_MAX_TOKENS: z.coerce.number().int().min(16).max(1_000_000).default(4_096),
  ASK_ANSWER_MAX_CHARS: z.coerce.number().int().min(4_096).max(200_000).default(32_000),
  ASK_USER_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(10),
  ASK_USER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(2),
  // Empty: the registry's models marked as fallbacks; "none": no fallback; else comma-separated keys.
  FALLBACK_MODELS: z
    .string()
    .optional()
    .transform((raw) =>
      raw === undefined
        ? undefined
        : raw.trim() === "none"
          ? []
          : raw
              .split(",")
              .map((key) => key.trim())
              .filter((key) => key !== ""),
    ),
  // Models for media a chosen model cannot take: images (VISION_MODEL), voice and audio (TRANSCRIBE_MODEL).
  VISION_MODEL: optionalString,
  TRANSCRIBE_MODEL: optionalString,
  STREAM_ANSWERS: z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default("true")
    .transform((v) => ["true", "1", "yes"].includes(v)),
  STREAM_EDIT_INTERVAL_MS: ms.default(1_000),
  OPENROUTER_STREAM_TIMEOUT_MS: ms.default(300_000),
  MEMORY_CHAR_BUDGET: z.coerce.number().int().min(0).default(8_000),
  MEMORY_IDLE_MS: ms.default(3_600_000),
  ASK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  ASK_RETRY_BASE_MS: ms.default(2_000),
  ASK_DEADLINE_MS: ms.default(180_000),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(10),
  BREAKER_ERROR_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  BREAKER_WINDOW_MS: ms.default(60_000),
  BREAKER_RESET_MS: ms.default(30_000),
  JOB_LOCK_MS: ms.default(30_000),
  SHUTDOWN_GRACE_MS: ms.default(30_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

const configSchema = envSchema.superRefine((env, ctx) => {
  if (env.WEBHOOK_URL !== undefined && env.WEBHOOK_SECRET === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["WEBHOOK_SECRET"],
      message: "is required when WEBHOOK_URL is set",
    });
  }
});

type Env = z.infer<typeof envSchema>;

export interface Config {
  /** `budget` (TELEGRAM_BUDGET): Bot API calls share Telegram's limits through Redis (shared/src/telegram-budget). */
  telegram: { token: string; apiRoot: string; budget: boolean };
  openrouter: { apiKey: string | undefined; baseUrl: string; requestsPerMinute: number };
  databaseUrl: string;
  /** DATABASE_TIMEOUT_MS: a statement, and the wait for a connection, fail after this (see createPool). */
  databaseTimeoutMs: number;
  redis: { url: string; queuePrefix: string };
  ask: {
    maxAttempts: number;
    retryBaseMs: number;
    deadlineMs: number;
    timeoutMs: number;
    /** OPENROUTER_MAX_TOKENS: `max_tokens` of every request (less where the model's context is short). */
    maxTokens: number;
    /** ASK_ANSWER_MAX_CHARS: an answer is cut here, with a note saying so. */
    maxAnswerChars: number;
    perUserPerMinute: number;
    perUserInFlight: number;
    /** Undefined: the registry's models marked as fallbacks. */
    fallbackModels: string[] | undefined;
  };
  /**
   * VISION_MODEL answers a photo when neither the chosen model nor its fallbacks can see; TRANSCRIBE_MODEL
   * turns voice and audio into text (else a registry model that takes audio). Undefined: not set.
   */
  media: { visionModel: string | undefined; transcribeModel: string | undefined };
  memory: { charBudget: number; idleMs: number };
  /** `timeoutMs` (OPENROUTER_STREAM_TIMEOUT_MS) bounds a whole stream; OPENROUTER_TIMEOUT_MS bounds its pauses. */
  streaming: { enabled: boolean; intervalMs: number; timeoutMs: number };
  breaker: { volumeThreshold: number; errorPercent: number; windowMs: number; resetMs: number };
  worker: { concurrency: number; lockMs: number };
  /** SHUTDOWN_GRACE_MS: how long either service's shutdown waits for work in flight. */
  shutdownGraceMs: number;
  metricsPort: { gateway: number; worker: number };
  access: { allowedUserIds: ReadonlySet<number>; adminUserIds: ReadonlySet<number> };
  webhook: { url: string; secret: string; port: number } | undefined;
  logLevel: Env["LOG_LEVEL"];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function parseWith<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  // `NAME=` (as in .env.example) means "not set": the default applies.
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.join(".") || "environment";
  throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? "is invalid"}`);
}

/** Parses the environment once; throws a ConfigError whose message is one line naming the variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const e = parseWith(configSchema, env);
  return {
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
      budget: e.TELEGRAM_BUDGET,
    },
    openrouter: {
      apiKey: e.OPENROUTER_API_KEY,
      baseUrl: e.OPENROUTER_BASE_URL.replace(/\/+$/, ""),
      requestsPerMinute: e.OPENROUTER_RPM,
    },
    databaseUrl: e.DATABASE_URL,
    databaseTimeoutMs: e.DATABASE_TIMEOUT_MS,
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    ask: {
      maxAttempts: e.ASK_MAX_ATTEMPTS,
      retryBaseMs: e.ASK_RETRY_BASE_MS,
      deadlineMs: e.ASK_DEADLINE_MS,
      timeoutMs: e.OPENROUTER_TIMEOUT_MS,
      maxTokens: e.OPENROUTER_MAX_TOKENS,
      maxAnswerChars: e.ASK_ANSWER_MAX_CHARS,
      perUserPerMinute: e.ASK_USER_LIMIT_PER_MINUTE,
      perUserInFlight: e.ASK_USER_MAX_IN_FLIGHT,
      fallbackModels: e.FALLBACK_MODELS,
    },
    media: { visionModel: e.VISION_MODEL, transcribeModel: e.TRANSCRIBE_MODEL },
    memory: { charBudget: e.MEMORY_CHAR_BUDGET, idleMs: e.MEMORY_IDLE_MS },
    streaming: {
      enabled: e.STREAM_ANSWERS,
      intervalMs: e.STREAM_EDIT_INTERVAL_MS,
      timeoutMs: e.OPENROUTER_STREAM_TIMEOUT_MS,
    },
    breaker: {
      volumeThreshold: e.BREAKER_VOLUME_THRESHOLD,
      errorPercent: e.BREAKER_ERROR_PERCENT,
      windowMs: e.BREAKER_WINDOW_MS,
      resetMs: e.BREAKER_RESET_MS,
    },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      lockMs: e.JOB_LOCK_MS,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    metricsPort: { gateway: e.GATEWAY_METRICS_PORT, worker: e.WORKER_METRICS_PORT },
    access: { allowedUserIds: e.ALLOWED_USER_IDS, adminUserIds: e.ADMIN_USER_IDS },
    webhook:
      e.WEBHOOK_URL !== undefined && e.WEBHOOK_SECRET !== undefined
        ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, port: e.PORT }
        : undefined,
    logLevel: e.LOG_LEVEL,
  };
}

/** The part of the configuration the migration runner needs (no bot token). */
export function parseDatabaseConfig(env: NodeJS.ProcessEnv): Pick<Config, "databaseUrl" | "logLevel"> {
  const e = parseWith(envSchema.pick({ DATABASE_URL: true, LOG_LEVEL: true }), env);
  return { databaseUrl: e.DATABASE_URL, logLevel: e.LOG_LEVEL };
}

/** Reads `.env` into the process environment when present; variables already set win over the file. */
export function loadEnvFile(path = ".env"): NodeJS.ProcessEnv {
  if (existsSync(path)) process.loadEnvFile(path);
  return process.env;
}

/** Every value that must never be printed: tokens, keys, and passwords inside URLs. */
export function secretsOf(config: Partial<Config>): string[] {
  const secrets = [config.telegram?.token, config.openrouter?.apiKey, config.webhook?.secret];
  for (const url of [config.databaseUrl, config.redis?.url]) {
    if (url === undefined) continue;
    const password = URL.parse(url)?.password;
    if (password) secrets.push(password, decodeURIComponent(password));
  }
  return secrets.filter((s): s is string => s !== undefined && s.length >= 4);
}

/** For a service's entry point: the configuration, or one clear line on stderr and exit code 1. */
export function loadConfigOrExit(): Config {
  try {
    return parseConfig(loadEnvFile());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
