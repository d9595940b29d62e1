/**
 * Everything the bot says to its users, in Russian and English: the words live in Fluent files
 * (`shared/locales/<locale>/<feature>.ftl`, one @fluent/bundle bundle per locale), and `Texts` is their typed face, so
 * every call site names a message and its arguments as a function call the compiler checks.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { LOCALES, type Locale } from "../domain/index.js";
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

/**
 * One locale's messages: every `.ftl` file of its folder in one bundle. A file Fluent cannot parse
 * stops the service at start-up rather than leaving a message out.
 */
function loadBundle(directory: string, locale: Locale): FluentBundle {
  // Telegram shows text as it is: no invisible bidi isolation marks around arguments.
  const bundle = new FluentBundle(locale, { useIsolating: false });
  const folder = join(directory, locale);
  const files = readdirSync(folder).filter((name) => name.endsWith(".ftl"));
  for (const file of files.sort()) {
    const errors = bundle.addResource(new FluentResource(readFileSync(join(folder, file), "utf8")));
    if (errors.length > 0) throw new Error(`${locale}/${file}: ${errors.map((e) => e.message).join("; ")}`);
  }
  return bundle;
}

/** The bot's texts in every locale, loaded once by the service that speaks them. */
export function createLocalizer(directory = LOCALES_DIRECTORY) {
  const cache = new Map<Locale, Texts>();
  const bundles = new Map(LOCALES.map((locale) => [locale, loadBundle(directory, locale)]));
  return {
    /** The texts of one locale. */
    of(locale: Locale): Texts {
      let texts = cache.get(locale);
      if (texts === undefined) {
        const bundle = bundles.get(locale) as FluentBundle;
        // A message missing from the files shows as its id (texts.test.ts checks none is).
        texts = createTexts((key, args) => {
          const pattern = bundle.getMessage(key)?.value;
          return pattern ? bundle.formatPattern(pattern, args) : key;
        });
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
