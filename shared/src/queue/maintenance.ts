/**
 * The maintenance queue's contract: the queue, its jobs and their schedules. The worker registers
 * the schedules and runs the jobs; anything may add a job by hand (a test, an operator).
 */

/** The BullMQ queue of the bot's own periodic work (apart from the ask queue, so it never waits behind asks). */
export const MAINTENANCE_QUEUE = "maintenance";

/** The job that compares the model registry with OpenRouter's model list (see shared/src/registry). */
export const REGISTRY_SYNC_JOB = "registry-sync";

/**
 * The daily registry sync as a BullMQ job scheduler: its id (upserting it again, as every worker does
 * at start-up, changes nothing), its cron pattern (UTC; just after OpenRouter's day starts at 00:00
 * UTC) and its job's options.
 */
export const REGISTRY_SYNC_SCHEDULE = {
  id: "registry-sync-daily",
  repeat: { pattern: "5 0 * * *", tz: "UTC" },
  template: {
    name: REGISTRY_SYNC_JOB,
    opts: { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  },
} as const;

/**
 * The job that fires reminders whose own job is gone: pending, overdue by REMINDERS_SWEEP_GRACE_MINUTES,
 * and without a live job in the reminders queue (Redis lost it, or it ran before its row was committed).
 */
export const REMINDERS_SWEEP_JOB = "reminders-sweep";

/** How late a pending reminder must be before the sweep looks at it (its own job normally fires it). */
export const REMINDERS_SWEEP_GRACE_MINUTES = 2;

/** The sweep as a job scheduler: every minute, one schedule however many workers upsert it. */
export const REMINDERS_SWEEP_SCHEDULE = {
  id: "reminders-sweep-minutely",
  repeat: { every: 60_000 },
  template: {
    name: REMINDERS_SWEEP_JOB,
    opts: { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  },
} as const;
