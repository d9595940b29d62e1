import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  service: string;
  /** Values scrubbed from every line, wherever they appear (a Bot API URL carries the token). */
  secrets: readonly string[];
}

const REDACTED = "[REDACTED]";

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  // Longest first, so a secret containing another is replaced whole.
  const secrets = [...new Set(options.secrets)]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  return pino(
    {
      level: options.level,
      base: { service: options.service },
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
