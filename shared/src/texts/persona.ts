/** What /persona says, the presets' names and texts, and how the model is told a chat's persona. */
import { PERSONA_MAX_LENGTH, PERSONA_PRESETS, type PersonaPreset } from "../domain/index.js";
import { id, type Translate } from "./translate.js";

export const personaTexts = (t: Translate) => {
  const name = (preset: PersonaPreset) => t(`persona-${preset}-name`);
  const text = (preset: PersonaPreset) => t(`persona-${preset}-text`);
  return {
    persona: {
      usage: [
        t("persona-usage", { max: id(PERSONA_MAX_LENGTH) }),
        ...PERSONA_PRESETS.map((p) => t("persona-preset-line", { name: name(p), text: text(p) })),
      ].join("\n"),
      /** A preset's name and text in this locale. */
      presetName: name,
      presetText: text,
      none: t("persona-none"),
      currentPreset: (preset: PersonaPreset) =>
        t("persona-current-preset", { name: name(preset), text: text(preset) }),
      currentText: (own: string) => t("persona-current-text", { text: own }),
      setPreset: (preset: PersonaPreset) =>
        t("persona-set-preset", { name: name(preset), text: text(preset) }),
      setText: (length: number) => t("persona-set-text", { length: id(length) }),
      reset: t("persona-reset"),
      tooLong: (length: number) => t("persona-too-long", { length: id(length), max: id(PERSONA_MAX_LENGTH) }),
      unstorable: t("persona-unstorable"),
      adminsOnly: t("persona-admins-only"),
      /** Added to the system prompt after the bot's own rules: the chat's persona text. */
      instructions: (persona: string) => t("persona-instructions", { persona }),
    },
  };
};
