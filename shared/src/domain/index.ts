/**
 * What the bot's features agree on, whatever language they speak: the limits of user input, the
 * command list, the languages, and the shapes of what replies show (notes, models, usage).
 */

export const NOTE_MAX_LENGTH = 3000;
export const NOTE_LIST_DEFAULT = 10;
export const NOTE_LIST_MAX = 50;
export const NOTE_FIND_MAX = 50;
export const STATS_DAYS_DEFAULT = 7;
export const STATS_DAYS_MAX = 365;
export const QUESTION_MAX_LENGTH = 3000;
/** A reminder's text: a note's length, so the ⏰ button of any note can remind of it whole. */
export const REMINDER_TEXT_MAX = NOTE_MAX_LENGTH;
/** Reminders one user may have pending at once (the /reminders list shows them all, a cancel button each). */
export const REMINDERS_PENDING_MAX = 50;
/** How far ahead a reminder may be set. */
export const REMINDER_AHEAD_MAX_DAYS = 366;
/**
 * The ready-made times of the ⏰ buttons (a note's, a fired reminder's snooze): in an hour, or
 * tomorrow at this hour of the user's time zone.
 */
export const REMINDER_CHOICES = ["hour", "tomorrow"] as const;
export type ReminderChoice = (typeof REMINDER_CHOICES)[number];
export const REMINDER_TOMORROW_HOUR = 9;
/** The time zone of a user who set none with /tz. */
export const DEFAULT_TIME_ZONE = "UTC";

/** `/note_import`: the largest file read (Telegram lets bots download up to 20 MB), and notes per file. */
export const IMPORT_MAX_BYTES = 1_000_000;
export const IMPORT_MAX_NOTES = 1000;
/** Notes an inline query answers with per page (Telegram takes at most 50). */
export const INLINE_RESULTS = 20;

/** Where a forwarded note came from: the sender's or chat's name, and a link to a public chat's message. */
export interface NoteOrigin {
  kind: "user" | "hidden_user" | "chat" | "channel";
  name: string;
  link?: string;
}

/** A chat's own persona text (/persona <text>), in characters as Telegram counts them. */
export const PERSONA_MAX_LENGTH = 1000;
/** The personas /persona offers by name (each has a name and a text in every locale: persona-<id>-…). */
export const PERSONA_PRESETS = ["concise", "teacher", "translator", "editor"] as const;
export type PersonaPreset = (typeof PERSONA_PRESETS)[number];
export const isPersonaPreset = (value: string): value is PersonaPreset =>
  (PERSONA_PRESETS as readonly string[]).includes(value);

/**
 * Media a question may carry, and their limits. Telegram's Bot API lets a bot download files of up to
 * 20 MB (getFile answers "file is too big" past it). An image goes as a base64 data URL, so it is kept
 * to 5 MB, the smallest per-image limit of the major providers OpenRouter routes to; voice, audio and
 * PDFs may use the whole 20 MB; a text file is read whole into the question, so 512 KB (and it must fit
 * the model's context as well).
 */
export const TELEGRAM_DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;
export const MEDIA_MAX_BYTES = {
  image: 5 * 1024 * 1024,
  audio: TELEGRAM_DOWNLOAD_MAX_BYTES,
  pdf: TELEGRAM_DOWNLOAD_MAX_BYTES,
  text: 512 * 1024,
} as const;
export type MediaKind = keyof typeof MEDIA_MAX_BYTES;

/** Documents read as UTF-8 text, by extension: plain text, data and source code. */
export const TEXT_FILE_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    "txt md markdown csv tsv json jsonl ndjson yaml yml toml ini cfg conf log xml html htm css scss sql " +
    "js mjs cjs jsx ts tsx py rb go rs java kt kts scala swift c h cc cpp hpp cs php pl lua r sh bash zsh " +
    "ps1 bat dart ex exs erl hs clj vue svelte tex rst org env dockerfile makefile gradle proto graphql"
  ).split(" "),
);

/** Telegram's audio MIME types and the `input_audio` formats OpenRouter takes for them (voice is OGG/Opus). */
export const AUDIO_FORMATS: Readonly<Record<string, string>> = {
  "audio/ogg": "ogg",
  "audio/opus": "ogg",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "audio/aac": "aac",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/m4a": "m4a",
  "audio/aiff": "aiff",
  "audio/x-aiff": "aiff",
};

export interface NoteView {
  id: string;
  text: string;
  createdAt: Date;
  /** A forward's origin (none for a note written to the bot). */
  origin?: NoteOrigin | null;
  /** Telegram file_ids of the note's photos (a forward's), in order. */
  photos?: readonly string[];
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
  "note_import",
  "note_stats",
  "ask",
  "ask_notes",
  "note_digest",
  "retry",
  "cancel",
  "reset",
  "models",
  "model",
  "mymodel",
  "persona",
  "models_sync",
  "model_add",
  "usage",
  "lang",
  "remind",
  "reminders",
  "tz",
] as const;
export type Command = (typeof COMMANDS)[number];
