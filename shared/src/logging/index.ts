import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  service: string;
  /** Values scrubbed from every line, wherever they appear (a Bot API URL carries the token). */
  secrets: readonly string[];
}

const REDACTED = "[REDACTED]";
/**
 * Error properties that carry what a user sent or was sent: grammY's errors keep the call's parameters
 * (`payload`: a note's text, an answer), and PostgreSQL's constraint errors the row (`detail`: "Failing
 * row contains (… the note …)"), beside the method, code, constraint and table, which are what a log needs.
 */
const USER_CONTENT_KEYS = new Set(["payload", "detail"]);

/** pino's error serializer, with user content left out at any depth (causes and wrapped errors too). */
function serializeError(error: unknown): unknown {
  return withoutUserContent(pino.stdSerializers.err(error as Error), 0);
}

function withoutUserContent(value: unknown, depth: number): unknown {
  if (typeof value !== "object" || value === null || depth > 5) return value;
  if (Array.isArray(value)) return value.map((item) => withoutUserContent(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !USER_CONTENT_KEYS.has(key))
      .map(([key, item]) => [key, withoutUserContent(item, depth + 1)]),
  );
}

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  // Longest first, so a secret containing another is replaced whole.
  const secrets = [...new Set(options.secrets)]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      serializers: { err: serializeError },
      redact: {
        paths: ["token", "apiKey", "authorization", "*.token", "*.apiKey", "*.authorization", "headers.*"],
        censor: REDACTED,
      },
      hooks: {
        streamWrite: (line) => secrets.reduce((out, secret) => out.replaceAll(secret, REDACTED), line),
      },
    },
    destination,
  );
}
