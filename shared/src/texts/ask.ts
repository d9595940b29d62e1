/** What the asks say: /ask and its placeholder, failures, footers and prompts; /ask_notes, /note_digest, /retry, the save button. */
import { QUESTION_MAX_LENGTH, STATS_DAYS_DEFAULT, STATS_DAYS_MAX } from "../domain/index.js";
import { id, type Translate } from "./translate.js";

const STATUSES = [400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 504];

export const askTexts = (t: Translate) => ({
  ask: {
    usage: t("ask-usage"),
    tooLong: (length: number) =>
      t("ask-too-long", { length: id(length), questionMax: id(QUESTION_MAX_LENGTH) }),
    placeholder: t("ask-placeholder"),
    queued: (ahead: number) => t("ask-queued", { ahead }),
    /** Waiting for a request slot (OPENROUTER_RPM): the place among all waiting asks, the wait in minutes. */
    waitingTurn: (place: number, minutes: number) =>
      t("ask-waiting-turn", { place: id(place), minutes: id(minutes) }),
    queueFull: (seconds: number) => t("ask-queue-full", { seconds: id(seconds) }),
    cancelled: t("ask-cancelled"),
    interrupted: (reason: string) => t("ask-interrupted", { reason }),
    cancelledCount: (n: number) => t("ask-cancelled-count", { count: id(n) }),
    nothingToCancel: t("ask-nothing-to-cancel"),
    memoryReset: t("ask-memory-reset"),
    tooMany: (perMinute: number) => t("ask-too-many", { perMinute: id(perMinute) }),
    unavailable: t("ask-unavailable"),
    systemPrompt: t("ask-system-prompt"),
    retrying: (label: string, attempt: number, attempts: number) =>
      t("ask-retrying", { label, attempt: id(attempt), attempts: id(attempts) }),
    footer: (latencyMs: number, modelKey: string) => t("ask-footer", { latencyMs: id(latencyMs), modelKey }),
    failure: (label: string, explanation: string) => t("ask-failure", { label, explanation }),
    statusExplanations: Object.fromEntries(STATUSES.map((s) => [s, t(`ask-status-${s}`)])) as Record<
      number,
      string
    >,
    unknownStatus: t("ask-unknown-status"),
    timeout: (seconds: number) => t("ask-timeout", { seconds: id(seconds) }),
    network: t("ask-network"),
    deadline: (seconds: number) => t("ask-deadline", { seconds: id(seconds) }),
    internal: t("ask-internal"),
    emptyAnswer: t("ask-empty-answer"),
    contentFiltered: t("ask-content-filter"),
    lengthBeforeAnswer: t("ask-length-empty"),
    modelGone: (modelKey: string) => t("ask-model-gone", { modelKey }),
    /** The note under an answer whose text is not whole (finish_reason "length" or "content_filter"). */
    cut: {
      length: t("ask-cut-length"),
      content_filter: t("ask-cut-content-filter"),
      too_long: t("ask-cut-too-long"),
    },
    missingKey: t("ask-missing-key"),
    breakerOpen: (modelKey: string) => t("ask-breaker-open", { modelKey }),
    /** OpenRouter's daily cap of free requests is used up; `resetAt` is a UTC time, "00:00". */
    dailyCap: (resetAt: string) => t("ask-status-429-daily", { resetAt }),
    notesSystemPrompt: t("ask-notes-system-prompt"),
    /** `notes`: the notes as sent, one `#id (date): text` each. */
    notesRequest: (notes: string, question: string) => t("ask-notes-request", { notes, question }),
    digestSystemPrompt: t("ask-digest-system-prompt"),
    digestRequest: (days: number, notes: string) => t("ask-digest-request", { days, notes }),
    /** The footer of a digest: how many notes it covered of the period's `total`. */
    digestFooter: (latencyMs: number, modelKey: string, covered: number, total: number) =>
      t("ask-digest-footer", {
        latencyMs: id(latencyMs),
        modelKey,
        covered: id(covered),
        coveredCount: covered,
        total: id(total),
        totalCount: total,
      }),
    /** The inline button under an answer that saves question and answer as a note. */
    saveButton: t("ask-save-button"),
  },

  notesAsk: {
    usage: t("ask-notes-usage"),
    nothing: t("ask-notes-nothing"),
    privacy: t("ask-notes-privacy"),
  },
  digest: {
    usage: t("digest-usage", { daysMax: id(STATS_DAYS_MAX), daysDefault: id(STATS_DAYS_DEFAULT) }),
    nothing: (days: number) => t("digest-nothing", { days }),
    question: (days: number) => t("digest-question", { days }),
  },
  retry: {
    nothing: t("retry-nothing"),
    usage: t("retry-usage"),
  },
  save: {
    done: (noteId: string) => t("save-done", { id: noteId }),
    notYours: t("save-not-yours"),
    expired: t("save-expired"),
  },
});
