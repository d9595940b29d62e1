/**
 * Everything the bot says to its users, in Russian and English: the words live in Fluent files
 * (`shared/locales/<locale>.ftl`, loaded through @grammyjs/i18n), and `Texts` is their typed face, so
 * every call site names a message and its arguments as a function call the compiler checks.
 */
import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";

export const NOTE_MAX_LENGTH = 3000;
export const NOTE_LIST_DEFAULT = 10;
export const NOTE_LIST_MAX = 50;
export const NOTE_FIND_MAX = 50;
export const STATS_DAYS_DEFAULT = 7;
export const STATS_DAYS_MAX = 365;
export const QUESTION_MAX_LENGTH = 3000;

export interface NoteView {
  id: string;
  text: string;
  createdAt: Date;
}

export interface ModelView {
  id: number;
  key: string;
  label: string;
  active: boolean;
  /** Listed free by OpenRouter at the last sync (an unavailable model cannot be made active). */
  available: boolean;
  /** In tokens, from OpenRouter's list; null until a sync has seen the model. */
  contextLength: number | null;
}

/** What a registry sync reports, as `/models_sync` shows it (a type, so it passes as JSON). */
export type SyncReportView = {
  available: number;
  total: number;
  madeUnavailable: string[];
  madeAvailable: string[];
  /** The active model, when this sync made it unavailable. */
  activeLost: { key: string; label: string } | null;
  newFree: { key: string; name: string; contextLength: number | null }[];
};

/** Sums of asks and tokens, today (UTC) and in total. */
export interface UsageView {
  asksToday: number;
  tokensToday: number;
  asks: number;
  tokens: number;
}

/** The OpenRouter key's state for admins' `/usage` (credits in US dollars). */
export interface KeyView {
  isFreeTier: boolean;
  limit: number | null;
  limitRemaining: number | null;
  usageDaily: number | null;
}

/** Dates are shown in UTC, labelled as such, so every reader sees the same day boundaries. */
export function formatDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")}`;
}

export const LOCALES = ["ru", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** Telegram's `language_code` of the users who get Russian; everyone else gets English. */
export const RUSSIAN_SPEAKING: ReadonlySet<string> = new Set(["ru", "uk", "be", "kk"]);

/** The locale for a Telegram user's `language_code` (none: Russian, the bot's first language). */
export function localeOf(languageCode: string | undefined): Locale {
  if (languageCode === undefined) return "ru";
  return RUSSIAN_SPEAKING.has(languageCode.toLowerCase().split("-")[0] ?? "") ? "ru" : "en";
}

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** Where the Fluent files are, beside `src/` and `dist/`. */
export const LOCALES_DIRECTORY = fileURLToPath(new URL("../../locales", import.meta.url));

/** User input echoed back in a reply, shortened so the reply stays well within Telegram's limit. */
const echo = (raw: string, max = 40): string => {
  const characters = Array.from(raw);
  return characters.length > max ? `${characters.slice(0, max).join("")}…` : raw;
};

/** The bot's commands, in the order of its command menu (each has a `cmd-<name>` text in every locale). */
export const COMMANDS = [
  "start",
  "help",
  "note_add",
  "note_list",
  "note_find",
  "note_edit",
  "note_del",
  "note_count",
  "note_export",
  "note_stats",
  "ask",
  "ask_notes",
  "note_digest",
  "retry",
  "cancel",
  "reset",
  "models",
  "model",
  "models_sync",
  "model_add",
  "usage",
  "lang",
] as const;
export type Command = (typeof COMMANDS)[number];

/** The bot's texts in every locale, loaded once by the service that speaks them. */
export function createLocalizer(directory = LOCALES_DIRECTORY) {
  const i18n = new I18n({
    defaultLocale: "ru",
    directory,
    // Telegram shows text as it is: no invisible bidi isolation marks around arguments.
    fluentBundleOptions: { useIsolating: false },
  });
  const cache = new Map<Locale, Texts>();
  return {
    /** The texts of one locale. */
    of(locale: Locale): Texts {
      let texts = cache.get(locale);
      if (texts === undefined) {
        texts = createTexts((key, args) => i18n.t(locale, key, args));
        cache.set(locale, texts);
      }
      return texts;
    },
  };
}

export type Localizer = ReturnType<typeof createLocalizer>;

type Translate = (key: string, args?: Record<string, string | number>) => string;

/** Ids and exact figures go to Fluent as strings, so it formats them as they are. */
const id = (value: string | number) => String(value);

/** The sums of a usage report, as its texts take them. */
const usageArguments = (u: UsageView) => ({
  asksToday: id(u.asksToday),
  tokensToday: id(u.tokensToday),
  asks: id(u.asks),
  tokens: id(u.tokens),
});

function createTexts(t: Translate) {
  const limits = {
    noteMax: id(NOTE_MAX_LENGTH),
    listDefault: id(NOTE_LIST_DEFAULT),
    listMax: id(NOTE_LIST_MAX),
    statsDefault: id(STATS_DAYS_DEFAULT),
    statsMax: id(STATS_DAYS_MAX),
  };
  const commandList = () => t("command-list", limits);
  const helpFooter = () => t("help-footer", limits);
  const STATUSES = [400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 504];
  return {
    /** Short descriptions registered with setMyCommands (shown in Telegram's command menu). */
    commandDescriptions: Object.fromEntries(COMMANDS.map((c) => [c, t(`cmd-${c}`)])) as Record<
      Command,
      string
    >,

    start: (firstName: string | undefined) =>
      `${t("start", { name: firstName ?? "none" })}\n\n${commandList()}\n\n${helpFooter()}`,
    help: () => `${t("help-header")}\n${commandList()}\n\n${helpFooter()}\n${t("help-notes-privacy")}`,
    unknownCommand: t("unknown-command"),
    accessDenied: t("access-denied"),
    /** To a sender that is not a person (an anonymous admin, a channel, a Telegram service account). */
    notAPerson: t("not-a-person"),
    noArguments: (command: string) => t("no-arguments", { command }),

    usage: {
      note_add: t("usage-note_add", limits),
      note_list: t("usage-note_list", limits),
      note_find: t("usage-note_find"),
      note_edit: t("usage-note_edit", limits),
      note_del: t("usage-note_del"),
      note_stats: t("usage-note_stats", limits),
      model: t("usage-model"),
    },

    invalidId: (raw: string) => t("invalid-id", { raw: echo(raw) }),
    noteTooLong: (length: number) => t("note-too-long", { length: id(length), ...limits }),
    unstorableCharacters: t("unstorable-characters"),

    noteAdded: (noteId: string) => t("note-added", { id: noteId }),
    noteEdited: (noteId: string) => t("note-edited", { id: noteId }),
    noteDeleted: (noteId: string) => t("note-deleted", { id: noteId }),
    noteNotFound: (noteId: string) => t("note-not-found", { id: noteId }),
    noteCount: (n: number) => t("note-count", { count: n }),
    noNotes: t("no-notes"),
    note: (note: NoteView) => `#${note.id} · ${formatDateTime(note.createdAt)}\n${note.text}`,
    listHeader: (shown: number) => t("list-header", { shown: id(shown) }),
    findHeader: (query: string, shown: number, total: number) =>
      t("find-header", {
        total,
        shown: id(shown),
        query: echo(query, 200),
        more: total > shown ? "yes" : "no",
      }),
    findNothing: (query: string) => t("find-nothing", { query: echo(query, 200) }),
    exportCaption: (n: number) => t("export-caption", { count: id(n) }),
    exportCaptionPart: (part: number) => t("export-caption-part", { part: id(part) }),
    exportEmpty: t("export-empty"),
    statsHeader: (days: number, total: number) => t("stats-header", { days, total: id(total) }),
    statsOnlyNonEmpty: t("stats-only-non-empty"),

    modelsHeader: t("models-header"),
    modelLine: (m: ModelView) =>
      t("model-line", {
        active: m.active ? "yes" : "no",
        id: id(m.id),
        label: m.label,
        key: m.key,
        context: m.contextLength === null ? "none" : id(m.contextLength),
        available: m.available ? "yes" : "no",
      }),
    modelUnavailable: (m: ModelView) => t("model-unavailable", { label: m.label, key: m.key }),
    modelsFooter: t("models-footer"),
    activeModel: (m: ModelView) => t("active-model", { label: m.label, key: m.key, id: id(m.id) }),
    modelSwitched: (m: ModelView) => t("model-switched", { label: m.label, key: m.key }),
    modelNotFound: (raw: string) => t("model-not-found", { raw: echo(raw) }),
    invalidModelId: (raw: string) => t("invalid-model-id", { raw: echo(raw) }),
    /** A refusal of an admin command; it tells the sender their id and where an admin's id goes. */
    modelSwitchForbidden: (userId: number) =>
      `${t("model-switch-forbidden")}\n${t("admin-how-to", { id: id(userId) })}`,
    noActiveModel: t("no-active-model"),
    noAvailableModel: (m: ModelView) => t("no-available-model", { label: m.label, key: m.key }),
    adminsOnly: (userId: number) => `${t("models-admins-only")}\n${t("admin-how-to", { id: id(userId) })}`,

    sync: {
      failed: (reason: string) => t("models-sync-failed", { reason }),
      report: (r: SyncReportView) =>
        [
          t("models-sync-report", { available: id(r.available), total: id(r.total) }),
          ...(r.madeUnavailable.length > 0
            ? [t("models-sync-unavailable", { keys: r.madeUnavailable.join(", ") })]
            : []),
          ...(r.madeAvailable.length > 0
            ? [t("models-sync-available", { keys: r.madeAvailable.join(", ") })]
            : []),
          ...(r.activeLost ? [t("models-sync-active-lost", { ...r.activeLost })] : []),
        ].join("\n"),
      newHeader: t("models-sync-new"),
      newLine: (m: SyncReportView["newFree"][number]) =>
        t("models-sync-new-line", {
          key: m.key,
          name: m.name,
          context: m.contextLength === null ? "none" : id(m.contextLength),
        }),
      noneNew: t("models-sync-none-new"),
    },

    modelAdd: {
      usage: t("model-add-usage"),
      notListed: (key: string) => t("model-add-not-listed", { key: echo(key, 100) }),
      exists: (key: string, modelId: number) => t("model-add-exists", { key, id: id(modelId) }),
      added: (m: { id: number; key: string; label: string }) =>
        t("model-added", { label: m.label, key: m.key, id: id(m.id) }),
    },

    usageReport: {
      user: (u: UsageView) => t("usage-report", usageArguments(u)),
      bot: (u: UsageView) => t("usage-bot", usageArguments(u)),
      key: (k: KeyView) => {
        const credits = (value: number | null) =>
          value === null ? t("usage-no-limit") : id(Number(value.toFixed(4)));
        return t("usage-key", {
          tier: k.isFreeTier ? "free" : "paid",
          limited: k.limit === null ? "no" : "yes",
          limit: credits(k.limit),
          remaining: credits(k.limitRemaining),
          daily: credits(k.usageDaily ?? 0),
        });
      },
      freeLeft: (left: number, cap: number) => t("usage-free-left", { left: id(left), cap: id(cap) }),
      /** The key's cap is one of two and OpenRouter did not say which; `used`: the bot's asks today. */
      freeCapUnknown: (
        used: number,
        caps: { freeTier: number; withCredits: number; creditsThreshold: number },
      ) =>
        t("usage-free-cap-unknown", {
          used: id(used),
          low: id(caps.freeTier),
          high: id(caps.withCredits),
          credits: id(caps.creditsThreshold),
        }),
      keyUnavailable: (reason: string) => t("usage-key-unavailable", { reason }),
    },

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
      footer: (latencyMs: number, modelKey: string) =>
        t("ask-footer", { latencyMs: id(latencyMs), modelKey }),
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

    registry: {
      /** To the admins: the active model went from OpenRouter's free list. */
      activeLost: (key: string, label: string) => t("registry-active-lost", { key, label }),
      /** To the admins: an ask found that OpenRouter no longer has this (not active) model. */
      modelLost: (key: string, label: string) => t("registry-model-gone", { key, label }),
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
    lang: {
      usage: t("lang-usage"),
      switched: t("lang-switched"),
    },
    save: {
      done: (noteId: string) => t("save-done", { id: noteId }),
      notYours: t("save-not-yours"),
      expired: t("save-expired"),
    },

    errors: {
      storageUnavailable: t("error-storage-unavailable"),
      internal: t("error-internal"),
      /** A chat's burst: its updates beyond the first `count` waiting are skipped. */
      tooManyUpdates: (count: number) => t("error-too-many-updates", { count: id(count) }),
    },
  };
}

export type Texts = ReturnType<typeof createTexts>;
