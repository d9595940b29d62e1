import type { FakeTelegram, Fault } from "./fake-telegram.js";

/**
 * Telegram's flood control, switched on per test by creating one of these on a fake: about 30 messages
 * a second in all, one a second per chat (with short bursts), 20 a minute per group. A message over a
 * limit is refused with 429 and `retry_after` (whole seconds, as Telegram gives it) and not sent.
 */
export class FloodControl {
  private readonly buckets = new Map<string, Bucket>();
  /** Calls refused with 429 so far. */
  refused = 0;

  constructor(
    telegram: FakeTelegram,
    private readonly limits: FloodLimits = TELEGRAM_LIMITS,
  ) {
    telegram.guards.push((method, payload) => this.check(method, payload));
  }

  private check(method: string, p: Record<string, unknown>): Fault | undefined {
    if (!COUNTED.has(method) || p.chat_id === undefined) return undefined;
    const chatId = Number(p.chat_id);
    const { all, perChat, perGroup } = this.limits;
    const rules: [string, Rate][] = [
      ["all", all],
      [`chat:${chatId}`, perChat],
      ...(chatId < 0 ? [[`group:${chatId}`, perGroup] as [string, Rate]] : []),
    ];
    const now = Date.now();
    const buckets = rules.map(([key, rate]) => this.refill(key, rate, now));
    const waitMs = Math.max(
      ...buckets.map(({ bucket, rate }) => (bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) * rate.perMs)),
    );
    if (waitMs > 0) {
      this.refused++;
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      return {
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      };
    }
    for (const { bucket } of buckets) bucket.tokens -= 1;
    return undefined;
  }

  private refill(key: string, rate: Rate, now: number): { bucket: Bucket; rate: Rate } {
    const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: now };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + (now - bucket.at) / rate.perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return { bucket, rate };
  }
}

/** One message every `perMs`, with up to `burst` at once after a quiet spell. */
interface Rate {
  perMs: number;
  burst: number;
}

export interface FloodLimits {
  all: Rate;
  perChat: Rate;
  perGroup: Rate;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Telegram's published limits for bots (core.telegram.org/bots/faq: broadcasting). */
export const TELEGRAM_LIMITS: FloodLimits = {
  all: { perMs: 1000 / 30, burst: 30 },
  perChat: { perMs: 1000, burst: 3 },
  perGroup: { perMs: 3000, burst: 20 },
};

/** Calls that put or change a message in a chat. */
const COUNTED = new Set(["sendMessage", "editMessageText", "sendDocument", "sendPhoto", "copyMessage"]);
