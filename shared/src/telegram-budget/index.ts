import { setTimeout as sleep } from "node:timers/promises";
import type { Transformer } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "../logging/index.js";
import type { TelegramBudgetMetrics } from "../metrics/index.js";

/**
 * One budget for the bot's Telegram calls, shared by the gateway and every worker through Redis, so it
 * holds however many processes send: token buckets (as GCRA: the time the next call may go) for all
 * calls together and per chat, taken in one round trip (a Lua script) per call. Calls of the first kind
 * (placeholders, final answers, replies to commands) wait their turn in order; spare calls (streamed
 * previews) go only when there is room left for a first one after them, else they are skipped, never
 * queued. Telegram's real limits are unpublished: the rate in all starts at TELEGRAM_BUDGET.perSecond,
 * is cut on every 429 (at most once a second) and recovers gradually; a 429 also holds its chat for
 * the retry_after Telegram gave. Redis unavailable or slow: the call goes without the budget (counted,
 * logged once per spell), never failed by it.
 */

export const TELEGRAM_BUDGET = {
  /**
   * Calls a second in all at most, and `burst` at once after a pause: together within Telegram's about
   * 30 in any second, the burst large enough that a preview finds room between other calls.
   */
  perSecond: 25,
  burst: 5,
  /** A 429 cuts the rate in all by this factor (at most once a second), never below `minPerSecond`. */
  slowDownFactor: 0.7,
  minPerSecond: 3,
  /** Calls a second the rate in all regains per second after a cut, up to `perSecond`. */
  recoveryPerSecond: 0.5,
  /**
   * A private chat: about one call a second (a short burst allowed), a little slower so that calls
   * spaced by it still arrive a second apart. Previews every second (STREAM_EDIT_INTERVAL_MS) leave it
   * room for the final answer, losing a frame in about twenty.
   */
  privateChat: { intervalMs: 1_050, burst: 3 },
  /** A group: at most 20 calls in any minute (burst + 60 s / interval ≤ 20). */
  group: { intervalMs: 3_600, burst: 3 },
  /** A spare call goes only when this many first calls could still go at once after it, in all and in its chat. */
  spareHeadroom: 1,
  /**
   * A 429's retry_after up to this holds its chat (the longest a caller waits out: the gateway's cap). A
   * longer one gives its call up at once; holding the chat for it would hold the chat's lane instead.
   */
  maxHoldSeconds: 30,
  /** The longest the budget's Redis call may take before the Telegram call goes without it. */
  redisTimeoutMs: 500,
} as const;

/** First calls wait for their turn; spare calls take what is left or are skipped. */
export type BudgetKind = "first" | "spare";

/** The Bot API methods that put something into a chat (or change or remove it): what the budget counts. */
const CHAT_METHODS: ReadonlySet<string> = new Set([
  "sendMessage",
  "editMessageText",
  "editMessageReplyMarkup",
  "sendMessageDraft",
  "deleteMessage",
  "sendDocument",
  "sendPhoto",
  "copyMessage",
  "forwardMessage",
  "sendChatAction",
]);

/** A spare call skipped because the budget had no room for it (thrown by the transformer; not Telegram's). */
export class TelegramBudgetShort extends Error {
  override name = "TelegramBudgetShort";
  constructor(readonly method: string) {
    super(`${method} skipped: the Telegram budget is short`);
  }
}

// KEYS: all (hash: tat, rate, cut), chat (tat). ARGV: spare (1/0), perSecond, burst, recovery,
// chat interval ms, chat burst, headroom. The time a call may go is the latest of now and both buckets'
// next free time; taking it moves both on. Returns the wait in ms, or -1 for a spare call with no room.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local all = redis.call('HMGET', KEYS[1], 'tat', 'rate', 'cut')
local rate = tonumber(ARGV[2])
if all[2] then rate = math.min(rate, tonumber(all[2]) + (now - tonumber(all[3])) / 1000 * tonumber(ARGV[4])) end
local gT = 1000 / rate
local gTau = (tonumber(ARGV[3]) - 1) * gT
local gTat = math.max(tonumber(all[1]) or now, now)
local cT = tonumber(ARGV[5])
local cTau = (tonumber(ARGV[6]) - 1) * cT
local cTat = math.max(tonumber(redis.call('GET', KEYS[2])) or now, now)
if ARGV[1] == '1' then
  local h = tonumber(ARGV[7])
  if gTat - gTau + h * gT > now or cTat - cTau + h * cT > now then return -1 end
end
local at = math.max(now, gTat - gTau, cTat - cTau)
-- In all the call is counted in turn, not at its chat's time: a held chat never holds up the others.
redis.call('HSET', KEYS[1], 'tat', gTat + gT)
redis.call('PEXPIRE', KEYS[1], 3600000)
local cNext = math.max(cTat, at) + cT
redis.call('SET', KEYS[2], cNext, 'PX', math.ceil(cNext - now) + 1000)
-- Rounded: the buckets' float arithmetic leaves a trace of a millisecond where there is no wait.
return math.floor(at - now + 0.5)
`;

// KEYS: all, chat. ARGV: perSecond, recovery, factor, minimum, the chat's hold ms, chat interval ms,
// chat burst. Cuts the rate in all (unless cut less than a second ago) and holds the chat until its
// retry_after is over. Returns the rate in all, in hundredths of a call a second.
const SLOW_DOWN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local all = redis.call('HMGET', KEYS[1], 'rate', 'cut')
local rate = tonumber(ARGV[1])
local cut = tonumber(all[2]) or 0
if all[1] then rate = math.min(rate, tonumber(all[1]) + (now - cut) / 1000 * tonumber(ARGV[2])) end
if now - cut >= 1000 then
  rate = math.max(tonumber(ARGV[4]), rate * tonumber(ARGV[3]))
  redis.call('HSET', KEYS[1], 'rate', rate, 'cut', now)
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
local held = now + tonumber(ARGV[5]) + (tonumber(ARGV[7]) - 1) * tonumber(ARGV[6])
if held > (tonumber(redis.call('GET', KEYS[2])) or 0) then
  redis.call('SET', KEYS[2], held, 'PX', math.ceil(held - now) + 1000)
end
return math.floor(rate * 100)
`;

export interface TelegramBudgetDeps {
  /** A connection that fails at once while Redis is down (no offline queue). */
  redis: Redis;
  keys: { all: string; chat: (chatId: number | string) => string };
  metrics: TelegramBudgetMetrics;
  logger: Logger;
}

type Scripted = Record<
  "telegramBudgetTake" | "telegramBudgetSlowDown",
  (...args: (string | number)[]) => Promise<unknown>
>;

export function createTelegramBudget({ redis, keys, metrics, logger }: TelegramBudgetDeps) {
  const B = TELEGRAM_BUDGET;
  // Sent as EVALSHA (the script itself once per connection).
  for (const [name, lua] of [
    ["telegramBudgetTake", TAKE],
    ["telegramBudgetSlowDown", SLOW_DOWN],
  ] as const)
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 2, lua });
  const scripts = redis as unknown as Scripted;
  /** Whether the last Redis call failed: the log says so once per spell. */
  let bypassing = false;

  const chatLimits = (chatId: number | string) =>
    typeof chatId === "string" || chatId < 0 ? B.group : B.privateChat;

  /** One Redis call within `redisTimeoutMs`; undefined (logged once, counted) when it fails or is late. */
  const run = async (script: keyof Scripted, chatId: number | string, args: (string | number)[]) => {
    const timeout = new AbortController();
    try {
      const result = await Promise.race([
        scripts[script](keys.all, keys.chat(chatId), ...args),
        sleep(B.redisTimeoutMs, undefined, { signal: timeout.signal }).then(() => {
          throw new Error(`no answer within ${B.redisTimeoutMs} ms`);
        }),
      ]);
      if (bypassing) logger.info("Telegram budget back: calls are paced again");
      bypassing = false;
      return Number(result);
    } catch (error) {
      metrics.bypassed.inc();
      if (!bypassing)
        logger.warn({ err: error }, "Telegram budget unavailable (Redis): calls go without it meanwhile");
      bypassing = true;
      return undefined;
    } finally {
      timeout.abort();
    }
  };

  /**
   * Reserves a call to `chatId`: resolves with how long to wait for its turn (0: now; also when Redis
   * failed), or undefined for a spare call with no room (nothing is reserved then).
   */
  const reserve = async (chatId: number | string, kind: BudgetKind): Promise<number | undefined> => {
    const chat = chatLimits(chatId);
    const waitMs = await run("telegramBudgetTake", chatId, [
      kind === "spare" ? 1 : 0,
      B.perSecond,
      B.burst,
      B.recoveryPerSecond,
      chat.intervalMs,
      chat.burst,
      B.spareHeadroom,
    ]);
    if (waitMs === undefined) return 0;
    return waitMs < 0 ? undefined : waitMs;
  };

  /** Takes a call to `chatId` from the budget: "go" once its turn came, "skip" for a spare call with no room. */
  const take = async (chatId: number | string, kind: BudgetKind, signal?: AbortSignal) => {
    const waitMs = await reserve(chatId, kind);
    if (waitMs === undefined) return "skip";
    if (waitMs > 0) {
      metrics.waited.observe(waitMs / 1000);
      await sleep(waitMs, undefined, signal ? { signal } : {});
    }
    return "go";
  };

  /** Telegram answered 429 for `chatId`: slower in all for a while, and the chat held for `retryAfter` s. */
  const slowDown = async (chatId: number | string, retryAfter: number) => {
    const chat = chatLimits(chatId);
    const rate = await run("telegramBudgetSlowDown", chatId, [
      B.perSecond,
      B.recoveryPerSecond,
      B.slowDownFactor,
      B.minPerSecond,
      retryAfter <= B.maxHoldSeconds ? retryAfter * 1000 : 0,
      chat.intervalMs,
      chat.burst,
    ]);
    metrics.slowdowns.inc();
    if (rate !== undefined) logger.info({ retryAfter, perSecond: rate / 100 }, "Telegram 429: budget slowed");
  };

  return {
    reserve,
    take,
    slowDown,
    /**
     * A grammY API transformer putting every chat call of an Api through the budget as `kind`: install
     * it inside auto-retry, so that every attempt takes its turn and every 429 is learnt from. A spare
     * call with no room rejects with TelegramBudgetShort (counted by method) and never reaches Telegram.
     */
    transformer(kind: BudgetKind): Transformer {
      return async (prev, method, payload, signal) => {
        const chatId = CHAT_METHODS.has(method) ? (payload as { chat_id?: unknown }).chat_id : undefined;
        if (typeof chatId !== "number" && typeof chatId !== "string") return prev(method, payload, signal);
        // grammY types its signal with a shim; at run time it is the platform's AbortSignal.
        if ((await take(chatId, kind, signal as AbortSignal | undefined)) === "skip") {
          metrics.skipped.inc({ method });
          throw new TelegramBudgetShort(method);
        }
        const result = await prev(method, payload, signal);
        if (!result.ok && result.error_code === 429)
          await slowDown(chatId, result.parameters?.retry_after ?? 1);
        return result;
      };
    },
  };
}

export type TelegramBudget = ReturnType<typeof createTelegramBudget>;
