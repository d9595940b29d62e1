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
  /** The update kinds the bot asks Telegram for. */
  allowedUpdates: ["message", "callback_query"],
} as const;
