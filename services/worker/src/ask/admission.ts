import {
  type AskJob,
  type AskProgress,
  askJobSchema,
  askProgressSchema,
  type UserAsks,
} from "@notesbot/shared/queue";
import type { Localizer } from "@notesbot/shared/texts";
import type { Job } from "bullmq";
import { z } from "zod";
import { askBoundAt, type RetryPolicy } from "./retry.js";

/**
 * The admission stage: what a run of an ask job has to do. The job must be valid; an answer a
 * previous run recorded is delivered rather than asked again; a cancelled ask or a missing API key
 * ends at once; otherwise the ask takes one of its user's running slots, for as long as it may last.
 */
export function createAdmission(deps: AdmissionDeps) {
  return async function admit(job: Job<AskJob>): Promise<Admission> {
    const parsed = askJobSchema.safeParse(job.data);
    if (!parsed.success) return { kind: "invalid", reason: parsed.error.issues[0]?.message ?? "invalid" };
    const ask = parsed.data;
    const stored = askProgressSchema.safeParse(job.progress);
    if (stored.success) return { kind: "resume", ask, progress: stored.data };
    const previewMessageIds = previewMessages(job, ask);
    if (!deps.hasApiKey)
      return {
        kind: "end",
        ask,
        previewMessageIds,
        text: deps.localizer.of(ask.locale).ask.missingKey,
        failure: "missing_key",
      };
    const leaseMs = Math.max(0, askBoundAt(deps.retry, ask.enqueuedAt) - Date.now());
    const slot = await deps.userAsks.startRunning(
      ask.userId,
      job.id as string,
      deps.perUserInFlight,
      leaseMs,
    );
    if (slot === "cancelled") return { kind: "cancelled", ask, previewMessageIds };
    if (slot === "busy") return { kind: "busy" };
    return { kind: "run", ask, previewMessageIds };
  };
}

/**
 * Progress of a run still streaming (the worker's own, unlike the shared askProgressSchema): the
 * messages its preview opened, the placeholder first.
 */
const askPreviewProgressSchema = z.object({
  previewMessageIds: z.array(z.number().int()).min(1),
});

/** The messages a previous run's preview opened, the placeholder first (reused, or removed if not needed). */
export function previewMessages(job: Job<AskJob>, ask: AskJob): number[] {
  const stored = askPreviewProgressSchema.safeParse(job.progress);
  return stored.success ? stored.data.previewMessageIds : [ask.placeholderMessageId];
}

export type Admission =
  | { kind: "invalid"; reason: string }
  /** The user has the most asks running: wait. */
  | { kind: "busy" }
  | { kind: "resume"; ask: AskJob; progress: AskProgress }
  | { kind: "end"; ask: AskJob; previewMessageIds: number[]; text: string; failure: string }
  | { kind: "cancelled"; ask: AskJob; previewMessageIds: number[] }
  | { kind: "run"; ask: AskJob; previewMessageIds: number[] };

export interface AdmissionDeps {
  userAsks: UserAsks;
  localizer: Localizer;
  retry: RetryPolicy;
  hasApiKey: boolean;
  /** A user's asks that may run at once; the others wait (moved back to the queue for a moment). */
  perUserInFlight: number;
}
