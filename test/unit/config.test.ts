import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, secretsOf } from "../../shared/src/config/index.js";
import { createLogger } from "../../shared/src/logging/index.js";

const TOKEN = "123456:TEST-config-token";

describe("configuration", () => {
  it("applies the spec's defaults", () => {
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(config.telegram.apiRoot).toBe("https://api.telegram.org");
    expect(config.openrouter).toEqual({
      apiKey: undefined,
      baseUrl: "https://openrouter.ai/api/v1",
      requestsPerMinute: 20,
    });
    expect(config.databaseUrl).toBe("postgres://postgres@127.0.0.1:5432/notesbot");
    expect(config.redis).toEqual({ url: "redis://127.0.0.1:6379", queuePrefix: "bull" });
    expect(config.metricsPort).toEqual({ gateway: 9101, worker: 9102 });
    expect(config.access.allowedUserIds.size).toBe(0);
    expect(config.webhook).toBeUndefined();
    expect(config.logLevel).toBe("info");
    expect(config.databaseTimeoutMs).toBe(5_000);
    expect([config.ask.maxTokens, config.ask.maxAnswerChars]).toEqual([4_096, 32_000]);
  });

  it.each([
    [{}, "Invalid configuration: TELEGRAM_BOT_TOKEN is required"],
    [{ TELEGRAM_BOT_TOKEN: "nonsense" }, "Invalid configuration: TELEGRAM_BOT_TOKEN must look like"],
    [{ TELEGRAM_BOT_TOKEN: TOKEN, OPENROUTER_RPM: "lots" }, "Invalid configuration: OPENROUTER_RPM"],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, GATEWAY_METRICS_PORT: "70000" },
      "Invalid configuration: GATEWAY_METRICS_PORT",
    ],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, ALLOWED_USER_IDS: "1,bob" },
      'ALLOWED_USER_IDS "bob" is not a Telegram user id',
    ],
    [{ TELEGRAM_BOT_TOKEN: TOKEN, DATABASE_URL: "not a url" }, "Invalid configuration: DATABASE_URL"],
    [{ TELEGRAM_BOT_TOKEN: TOKEN, WEBHOOK_URL: "https://x.example/hook" }, "WEBHOOK_SECRET is required"],
  ])("rejects %j with one line naming the variable", (env, message) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("parses user id lists and webhook settings", () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      ALLOWED_USER_IDS: " 1, 2 ,,3",
      ADMIN_USER_IDS: "2",
      WEBHOOK_URL: "https://bot.example/hook",
      WEBHOOK_SECRET: "s3cret-value",
      PORT: "8443",
    });
    expect([...config.access.allowedUserIds]).toEqual([1, 2, 3]);
    expect([...config.access.adminUserIds]).toEqual([2]);
    expect(config.webhook).toEqual({ url: "https://bot.example/hook", secret: "s3cret-value", port: 8443 });
  });
});

describe("logging", () => {
  it("never prints the token, the API key or a database password, wherever they appear", () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      OPENROUTER_API_KEY: "sk-test-openrouter-key",
      DATABASE_URL: "postgres://bot:pg-pass-word@db:5432/notesbot",
    });
    let output = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    const logger = createLogger({ level: "info", service: "test", secrets: secretsOf(config) }, sink);
    logger.error(
      { err: new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`), apiKey: "x" },
      "boom",
    );
    logger.info({ headers: { authorization: "Bearer sk-test-openrouter-key" } }, "call");
    logger.info(`connecting to ${config.databaseUrl}`);

    expect(output).toContain("/bot[REDACTED]/sendMessage");
    for (const secret of [TOKEN, "sk-test-openrouter-key", "pg-pass-word"])
      expect(output).not.toContain(secret);
    expect(output.trim().split("\n")).toHaveLength(3);
  });
});

describe("logging errors", () => {
  it("keeps an error's method, code and constraint but never the user's text it carries", () => {
    let output = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    const logger = createLogger({ level: "info", service: "test", secrets: [] }, sink);
    const telegram = Object.assign(new Error("Call to 'sendMessage' failed! (400: Bad Request)"), {
      method: "sendMessage",
      error_code: 400,
      payload: { chat_id: 1, text: "моя тайная заметка" },
    });
    const postgres = Object.assign(new Error('new row for relation "notes" violates check constraint'), {
      code: "23514",
      constraint: "notes_text_check",
      detail: "Failing row contains (7, 1, 1, моя тайная заметка, …).",
    });
    logger.error({ err: telegram }, "command failed");
    logger.error({ err: postgres }, "command failed");
    logger.error({ err: new Error("wrapped", { cause: postgres }) }, "command failed");
    expect(output).not.toContain("тайная");
    expect(output).toContain('"method":"sendMessage"');
    expect(output).toContain('"constraint":"notes_text_check"');
    expect(output).toContain('"code":"23514"');
  });
});

describe("configuration from a copied .env.example", () => {
  it("treats empty values as unset, so the defaults apply", () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: "",
      OPENROUTER_RPM: " ",
      PORT: "",
    });
    expect(config.telegram.apiRoot).toBe("https://api.telegram.org");
    expect(config.openrouter.requestsPerMinute).toBe(20);
    expect(() => parseConfig({ TELEGRAM_BOT_TOKEN: "" })).toThrow("TELEGRAM_BOT_TOKEN is required");
  });
});
