/**
 * Telegram's flood control as the bench's fake Telegram plays it, when a scenario switches it on. The
 * real limits are unpublished and change; these are the ones Telegram's bot FAQ gives and grammY's and
 * python-telegram-bot's docs repeat: about 30 messages a second in all, about one a second per chat
 * (a short burst allowed), and 20 a minute per group. A call past any of them is refused, as Telegram
 * does, with HTTP 429 and `{ok:false, error_code:429, description:"Too Many Requests: retry after N",
 * parameters:{retry_after:N}}`, N being the whole seconds after which it would go through. A refused
 * call takes nothing from the limits.
 */

/** The Bot API methods that put something into a chat: the calls flood control counts. */
export const CHAT_METHODS: ReadonlySet<string> = new Set([
  "sendMessage",
  "editMessageText",
  "sendMessageDraft",
  "deleteMessage",
  "sendDocument",
  "sendChatAction",
]);

export const FLOOD_LIMITS = {
  /** Calls in any one second, all chats together. */
  perSecond: 30,
  /** A chat's calls: one a second on average, up to `chatBurst` at once. */
  chatPerSecond: 1,
  chatBurst: 3,
  /** Calls to one group (a chat with a negative id) in any one minute. */
  groupPerMinute: 20,
} as const;

/** Telegram's answer to a call refused by flood control. */
export function tooManyRequests(retryAfter: number) {
  return {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  } as const;
}

/** The flood limits of one bot token, and how many of its chat calls were let through and refused. */
export class FloodControl {
  /** Chat calls answered (let through or refused), and of them refused, in all and by method. */
  calls = 0;
  refused = 0;
  readonly byMethod: Record<string, { calls: number; refused: number }> = {};
  /** Times (ms) of the calls let through in the last second, oldest first. */
  private readonly lastSecond: number[] = [];
  private readonly chats = new Map<number, { tokens: number; at: number }>();
  /** Per group: times of the calls let through in the last minute, oldest first. */
  private readonly groups = new Map<number, number[]>();

  /**
   * A call of `method` to `chatId` at `now` (ms): undefined when it goes through, else `retry_after` in
   * seconds.
   */
  admit(method: string, chatId: number, now: number): number | undefined {
    const count = this.byMethod[method] ?? { calls: 0, refused: 0 };
    this.byMethod[method] = count;
    this.calls += 1;
    count.calls += 1;
    const waitMs = Math.max(this.globalWait(now), this.chatWait(chatId, now), this.groupWait(chatId, now));
    if (waitMs > 0) {
      this.refused += 1;
      count.refused += 1;
      return Math.max(1, Math.ceil(waitMs / 1000));
    }
    this.lastSecond.push(now);
    const chat = this.chats.get(chatId) as { tokens: number; at: number };
    chat.tokens -= 1;
    if (chatId < 0) this.groups.get(chatId)?.push(now);
    return undefined;
  }

  private globalWait(now: number): number {
    while (this.lastSecond.length > 0 && (this.lastSecond[0] as number) <= now - 1000)
      this.lastSecond.shift();
    return this.lastSecond.length < FLOOD_LIMITS.perSecond ? 0 : (this.lastSecond[0] as number) + 1000 - now;
  }

  /** A token bucket per chat, refilled at `chatPerSecond` up to `chatBurst`. */
  private chatWait(chatId: number, now: number): number {
    const chat = this.chats.get(chatId) ?? { tokens: FLOOD_LIMITS.chatBurst, at: now };
    chat.tokens = Math.min(
      FLOOD_LIMITS.chatBurst,
      chat.tokens + ((now - chat.at) / 1000) * FLOOD_LIMITS.chatPerSecond,
    );
    chat.at = now;
    this.chats.set(chatId, chat);
    return chat.tokens >= 1 ? 0 : ((1 - chat.tokens) / FLOOD_LIMITS.chatPerSecond) * 1000;
  }

  private groupWait(chatId: number, now: number): number {
    if (chatId >= 0) return 0;
    const times = this.groups.get(chatId) ?? [];
    this.groups.set(chatId, times);
    while (times.length > 0 && (times[0] as number) <= now - 60_000) times.shift();
    return times.length < FLOOD_LIMITS.groupPerMinute ? 0 : (times[0] as number) + 60_000 - now;
  }
}
