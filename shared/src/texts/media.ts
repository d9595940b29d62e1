/** What photos, voice messages and documents sent as questions make the bot say (gateway and worker). */
import type { MediaKind } from "../domain/index.js";
import { echo, id, type Translate } from "./translate.js";

const megabytes = (bytes: number) => id(Math.max(0.1, Math.round((bytes / (1024 * 1024)) * 10) / 10));

export const mediaTexts = (t: Translate) => ({
  media: {
    /** The question of a photo sent without a caption. */
    imageQuestion: t("media-image-question"),
    /** The question of a voice message sent without a caption (its transcript follows it). */
    voiceQuestion: t("media-voice-question"),
    needsQuestion: t("media-needs-question"),
    wrongType: (fileName: string | undefined) =>
      t("media-wrong-type", { name: fileName === undefined ? "none" : echo(fileName) }),
    tooBig: (kind: MediaKind, sizeBytes: number, limitBytes: number) =>
      t("media-too-big", { kind, size: megabytes(sizeBytes), limit: megabytes(limitBytes) }),
    tooBigForTelegram: t("media-too-big-for-telegram"),
    noVision: (modelKey: string) => t("media-no-vision", { modelKey }),
    noHearing: t("media-no-hearing"),
    downloadFailed: (reason: string) => t("media-download-failed", { reason }),
    unreadable: (fileName: string) => t("media-unreadable", { name: echo(fileName) }),
    fileTooLong: (fileName: string, modelKey: string, tokens: number, context: number) =>
      t("media-too-long", { name: echo(fileName), modelKey, tokens: id(tokens), context: id(context) }),
    noSpeech: t("media-no-speech"),
    transcript: (transcript: string) => t("media-transcript", { transcript }),
    /** Sent to the transcribing model beside the audio. */
    transcribePrompt: t("media-transcribe-prompt"),
  },
});
