/**
 * What medium a Telegram message carries, as an ask takes it: a photo (its largest size within the
 * image limit), a voice message or audio file (with its `input_audio` format), a document read as text
 * (by extension or a text/* type), a PDF, or an image or audio sent as a file. Only Telegram's file id
 * and what Telegram says of the file are kept; the worker downloads it. A file too large or of a type
 * the bot cannot read is refused here, before anything is queued.
 */
import {
  AUDIO_FORMATS,
  MEDIA_MAX_BYTES,
  type MediaKind,
  TEXT_FILE_EXTENSIONS,
} from "@notesbot/shared/domain";
import type { AskMedia } from "@notesbot/shared/queue";
import type { Message } from "grammy/types";

/** A medium as the job carries it (the transcribing models are the route's to add). */
export type FoundMedia = Omit<AskMedia, "transcribeModelKeys">;

export type MediaCheck =
  | { ok: true; media: FoundMedia }
  | { ok: false; reason: "type"; fileName: string | undefined }
  | { ok: false; reason: "too_big"; kind: MediaKind; size: number; limit: number };

/** Image types a model takes as a data URL, when sent as a file rather than a photo. */
const IMAGE_TYPES: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);

/** The medium of `message`, checked; undefined when it carries none. */
export function mediaOf(message: Message | undefined): MediaCheck | undefined {
  if (message === undefined) return undefined;
  if (message.photo !== undefined && message.photo.length > 0) {
    // Sizes come smallest first; the largest within the limit (any size Telegram did not measure counts as small).
    const fitting = message.photo.filter((p) => (p.file_size ?? 0) <= MEDIA_MAX_BYTES.image);
    const best = fitting.at(-1);
    if (best === undefined) {
      const smallest = message.photo[0];
      return tooBig("image", smallest?.file_size ?? 0);
    }
    return checked({
      kind: "image",
      fileId: best.file_id,
      mime: "image/jpeg",
      ...(best.file_size === undefined ? {} : { size: best.file_size }),
    });
  }
  if (message.voice !== undefined) {
    const v = message.voice;
    return checked({
      kind: "audio",
      fileId: v.file_id,
      mime: v.mime_type ?? "audio/ogg",
      format: AUDIO_FORMATS[v.mime_type ?? "audio/ogg"] ?? "ogg",
      ...(v.file_size === undefined ? {} : { size: v.file_size }),
    });
  }
  const file = message.audio ?? message.document;
  if (file === undefined) return undefined;
  const mime = file.mime_type?.toLowerCase();
  const fileName = file.file_name;
  const extension = fileName?.includes(".")
    ? fileName.split(".").pop()?.toLowerCase()
    : fileName?.toLowerCase();
  const base = {
    fileId: file.file_id,
    ...(mime === undefined ? {} : { mime }),
    ...(fileName === undefined ? {} : { fileName }),
    ...(file.file_size === undefined ? {} : { size: file.file_size }),
  };
  const format = mime === undefined ? undefined : AUDIO_FORMATS[mime];
  if (format !== undefined) return checked({ ...base, kind: "audio", format });
  if (mime === "application/pdf" || extension === "pdf") return checked({ ...base, kind: "pdf" });
  if (mime !== undefined && IMAGE_TYPES.has(mime)) return checked({ ...base, kind: "image" });
  if ((extension !== undefined && TEXT_FILE_EXTENSIONS.has(extension)) || mime?.startsWith("text/")) {
    return checked({ ...base, kind: "text" });
  }
  return { ok: false, reason: "type", fileName };
}

function tooBig(kind: MediaKind, size: number): MediaCheck {
  return { ok: false, reason: "too_big", kind, size, limit: MEDIA_MAX_BYTES[kind] };
}

/** The medium, unless Telegram says it is past its kind's limit. */
function checked(media: FoundMedia): MediaCheck {
  if (media.size !== undefined && media.size > MEDIA_MAX_BYTES[media.kind])
    return tooBig(media.kind, media.size);
  return { ok: true, media };
}
