/**
 * The media stage of an ask about a photo, voice message or document: downloads the file from
 * Telegram (telegram-file.ts) within the ask's deadline and its kind's MEDIA_MAX_BYTES, and turns it
 * into what the request carries (media-parts.ts): an image, audio or PDF content part, or a text file
 * read into the question, which must fit the model's context. A file that cannot be used is a failure
 * of kind "media" and nothing is sent to a model. The file's bytes and name are never logged.
 */
import { MEDIA_MAX_BYTES } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import type { AskJob } from "@notesbot/shared/queue";
import type { Texts } from "@notesbot/shared/texts";
import type { ContentPart } from "../openrouter/index.js";
import type { AskFailure } from "./failure.js";
import { audioPart, imagePart, pdfPart, textFileQuestion, textOf } from "./media-parts.js";
import { estimateTokens, inputBudget } from "./prompt.js";
import { type StopReason, stopAfter, stopReason } from "./stop.js";
import type { FileDownload } from "./telegram-file.js";

/** The most a download may take, within the ask's deadline. */
export const DOWNLOAD_TIMEOUT_MS = 60_000;

export type MediaInput =
  /** `attached`: the parts sent after the question's text; `question`: the question as sent, when it changes (a text file). */
  | { ok: true; attached: ContentPart[]; question?: string }
  | { ok: false; failure: AskFailure }
  | { ok: false; stopped: Exclude<StopReason, "deadline"> };

export interface MediaStageDeps {
  download: FileDownload;
  logger: Logger;
  /** ASK_DEADLINE_MS: the download ends by the ask's deadline. */
  deadlineMs: number;
}

export function createMediaStage(deps: MediaStageDeps) {
  const { download, logger } = deps;

  return async function mediaInput(
    jobId: string,
    ask: AskJob,
    texts: Texts,
    stop: AbortSignal,
  ): Promise<MediaInput> {
    const media = ask.media;
    if (media === undefined) return { ok: true, attached: [] };
    const limit = MEDIA_MAX_BYTES[media.kind];
    const deadlineAt = ask.enqueuedAt + deps.deadlineMs;
    const timer = stopAfter(Math.min(deadlineAt - Date.now(), DOWNLOAD_TIMEOUT_MS), "deadline");
    const got = await download(media.fileId, limit, AbortSignal.any([stop, timer.signal])).finally(
      timer.clear,
    );
    const stopped = stopReason(stop);
    if (stopped !== undefined && stopped !== "deadline") return { ok: false, stopped };
    if (!got.ok) {
      const detail = got.reason === "failed" ? got.detail : undefined;
      logger.warn({ jobId, media: media.kind, reason: got.reason, detail }, "media not downloaded");
      if (got.reason === "failed" && Date.now() >= deadlineAt) {
        return { ok: false, failure: { kind: "deadline", limitMs: deps.deadlineMs } };
      }
      return {
        ok: false,
        failure: {
          kind: "media",
          problem:
            got.reason === "too_big"
              ? {
                  label: "too_big",
                  media: media.kind,
                  size: got.size,
                  limit,
                  telegram: got.size === undefined,
                }
              : { label: "download", detail: got.detail },
        },
      };
    }
    const { bytes } = got;
    logger.info({ jobId, media: media.kind, bytes: bytes.byteLength }, "media downloaded");
    switch (media.kind) {
      case "image":
        return { ok: true, attached: [imagePart(bytes, media.mime)] };
      case "audio":
        return { ok: true, attached: [audioPart(bytes, media.format ?? "ogg")] };
      case "pdf":
        return { ok: true, attached: [pdfPart(bytes, media.fileName ?? "document.pdf")] };
      case "text": {
        const fileName = media.fileName ?? "file.txt";
        const text = textOf(bytes);
        if (text === undefined)
          return { ok: false, failure: { kind: "media", problem: { label: "unreadable", fileName } } };
        const question = textFileQuestion(fileName, text, ask.question);
        if (ask.contextLength !== undefined) {
          const tokens = estimateTokens([
            { role: "system", content: texts.ask.systemPrompt },
            { role: "user", content: question },
          ]);
          if (tokens > inputBudget(ask.contextLength)) {
            const problem = { label: "too_long", fileName, tokens, context: ask.contextLength } as const;
            return { ok: false, failure: { kind: "media", problem } };
          }
        }
        return { ok: true, attached: [], question };
      }
    }
  };
}

export type MediaStage = ReturnType<typeof createMediaStage>;
