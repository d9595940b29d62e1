/**
 * Everything the bot says to its users, in Russian and English: the words live in Fluent files
 * (`shared/locales/<locale>/<feature>.ftl`, loaded through @grammyjs/i18n), and `Texts` is their typed face, so
 * every call site names a message and its arguments as a function call the compiler checks.
 */
import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Locale } from "../domain/index.js";
import { askTexts } from "./ask.js";
import { captureTexts } from "./capture.js";
import { generalTexts } from "./general.js";
import { mediaTexts } from "./media.js";
import { modelsTexts } from "./models.js";
import { notesTexts } from "./notes.js";
import { personaTexts } from "./persona.js";
import { remindersTexts } from "./reminders.js";
import type { Translate } from "./translate.js";
import { usageTexts } from "./usage.js";

export type { ImportProblem } from "./capture.js";
export { formatDateTime, noteMarks, originLine } from "./translate.js";

/** Where the Fluent files are, beside `src/` and `dist/`. */
export const LOCALES_DIRECTORY = fileURLToPath(new URL("../../locales", import.meta.url));

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

/** Every feature's texts in one locale; each feature's live in a file of its own beside this one. */
function createTexts(t: Translate) {
  return {
    ...generalTexts(t),
    ...notesTexts(t),
    ...modelsTexts(t),
    ...usageTexts(t),
    ...askTexts(t),
    ...remindersTexts(t),
    ...captureTexts(t),
    ...personaTexts(t),
    ...mediaTexts(t),
  };
}

export type Texts = ReturnType<typeof createTexts>;
