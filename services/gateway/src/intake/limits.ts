/**
 * The intake's bounds (README, "Intake"). A gateway renews the leases of the updates it handles every
 * sweep, so a lease runs out only when its gateway is gone (or stalled for longer than the lease): a
 * dead gateway's unhandled updates are taken over within `leaseMs + sweepIntervalMs`.
 */
export const INTAKE = {
  /** How long a claim on an update holds without renewal. */
  leaseMs: 15_000,
  /** Lease renewal, take-over of expired leases, purge. */
  sweepIntervalMs: 5_000,
  /** Handlings started before an update is given up (a poison update must not loop for ever). */
  maxAttempts: 5,
  /** Handled rows are kept a day: Telegram keeps an unconfirmed update at most 24 hours. */
  keepHandledMs: 24 * 3600 * 1000,
  /** Updates of one chat running or waiting; more are skipped, and the chat is told once per burst. */
  maxWaitingPerChat: 40,
  /** Handlers running at once across chats (polling, webhook and sweeper alike). */
  maxHandling: 100,
  /** The longest 429 retry_after the gateway waits out for one reply; a longer one gives the reply up. */
  maxFloodWaitSeconds: 30,
  /** How often a gateway looks whether another one finished an earlier update of a chat (webhook mode). */
  turnPollMs: 50,
  /** The update kinds the bot asks Telegram for. */
  allowedUpdates: ["message", "callback_query", "inline_query"],
} as const;
