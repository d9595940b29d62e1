/**
 * The content parts of a question with a medium, in OpenRouter's shapes: an image as `image_url` with a
 * base64 data URL (a Telegram file URL carries the bot token and never leaves the bot), audio as
 * `input_audio` with base64 data and its format, a PDF as `file` with its name and a base64 data URL;
 * and a text file read as UTF-8 into the question's text.
 */
import type { ContentPart } from "../openrouter/index.js";

/** The image's type by its first bytes (Telegram's photos are JPEG); `declared` when they say nothing. */
export function imageType(bytes: Uint8Array, declared: string | undefined): string {
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP")
    return "image/webp";
  return declared ?? "image/jpeg";
}

export function imagePart(bytes: Uint8Array, declaredType: string | undefined): ContentPart {
  const url = `data:${imageType(bytes, declaredType)};base64,${Buffer.from(bytes).toString("base64")}`;
  return { type: "image_url", image_url: { url } };
}

export function audioPart(bytes: Uint8Array, format: string): ContentPart {
  return { type: "input_audio", input_audio: { data: Buffer.from(bytes).toString("base64"), format } };
}

export function pdfPart(bytes: Uint8Array, fileName: string): ContentPart {
  const file_data = `data:application/pdf;base64,${Buffer.from(bytes).toString("base64")}`;
  return { type: "file", file: { filename: fileName, file_data } };
}

/** The file's text when it is UTF-8 (a byte-order mark dropped) and not binary (no NUL); else undefined. */
export function textOf(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
  return text.includes("\u0000") ? undefined : text;
}

/** The question about a text file, as the model reads it: the file's name and contents, then the question. */
export function textFileQuestion(fileName: string, text: string, question: string): string {
  const fence = text.includes("```") ? "~~~~" : "```";
  return `${fileName}:\n${fence}\n${text.trimEnd()}\n${fence}\n\n${question}`;
}
