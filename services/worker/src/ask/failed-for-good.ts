import type { Logger } from "@notesbot/shared/logging";
import { type AskJob, askJobSchema, type UserAsks } from "@notesbot/shared/queue";
import type { Localizer } from "@notesbot/shared/texts";
import type { Job } from "bullmq";
import { telegramErrorFields } from "../chat-messages.js";
import { previewMessages } from "./admission.js";
import type { Delivery } from "./delivery.js";
import { failureText } from "./failure.js";
import { AskFailedError } from "./next.js";
import type { Ending, OutcomeReporter } from "./outcome.js";

/**
 * The failed-for-good path, beside next.ts: a job BullMQ gave up on (an unexpected error in every
 * attempt, an unrecoverable one, or too many stalls) is told to its user, no longer counts as pending,
 * and its outcome is reported like any other. A job failed by a reported `fail` was told already.
 */
export function createFailedForGood(deps: FailedForGoodDeps) {
  const { localizer, logger, userAsks, delivery, report } = deps;

  const tell = async (job: Job<AskJob>, error: unknown): Promise<void> => {
    const parsed = askJobSchema.safeParse(job.data);
    if (!parsed.success) return;
    const ask = parsed.data;
    const jobId = job.id as string;
    const texts = localizer.of(ask.locale);
    logger.error({ jobId, ...telegramErrorFields(error) }, "ask job failed for good");
    const base: Ending = { modelKey: ask.modelKey, outcome: "error", failure: "internal" };
    const text = failureText(texts, { kind: "internal" }, ask.modelKey);
    const failed = { outcome: "error", failure: "internal" } as const;
    const delivered = await delivery
      .end(job, ask, text, previewMessages(job, ask), failed)
      .catch(() => undefined);
    if (delivered?.kind !== "ended") await userAsks.finish(ask.userId, jobId).catch(() => {});
    report(jobId, ask.enqueuedAt, delivered?.kind === "ended" ? delivered.ending : base);
  };

  /** The worker's `failed` listener: acts only on a job with no run left that was not told already. */
  return (job: Job<AskJob> | undefined, error: Error): void => {
    if (!job || error instanceof AskFailedError) return;
    if (job.attemptsMade < (job.opts.attempts ?? 1) && error.name !== "UnrecoverableError") return;
    void tell(job, error).catch((failure: unknown) => {
      logger.error({ jobId: job.id, ...telegramErrorFields(failure) }, "could not report a failed ask");
    });
  };
}

export interface FailedForGoodDeps {
  delivery: Delivery;
  report: OutcomeReporter;
  userAsks: UserAsks;
  localizer: Localizer;
  logger: Logger;
}
