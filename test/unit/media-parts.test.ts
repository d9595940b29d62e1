/**
 * The content parts of a question with a medium, in process: their shapes are the ones OpenRouter
 * documents (checked by the same validator the fake OpenRouter refuses other shapes with), a text file
 * is read only as UTF-8, a medium costs a fixed estimate in the context fit, and the gateway's reading of
 * what a Telegram message carries.
 */
import type { Message } from "grammy/types";
import { describe, expect, it } from "vitest";
import { mediaOf } from "../../services/gateway/src/features/media/classify.js";
import {
  audioPart,
  imagePart,
  imageType,
  pdfPart,
  textFileQuestion,
  textOf,
} from "../../services/worker/src/ask/media-parts.js";
import { buildPrompt, estimateTokens, MEDIA_PART_TOKENS } from "../../services/worker/src/ask/prompt.js";
import { MEDIA_MAX_BYTES } from "../../shared/src/domain/index.js";
import { askJobSchema } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { contentProblem } from "../support/openrouter/content.js";

const texts = createLocalizer().of("en");
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
const asked = (...parts: unknown[]) => ({ messages: [{ role: "user", content: parts }] });

describe("content parts", () => {
  it("are in OpenRouter's documented shapes: image_url with a base64 data URL, input_audio with data and format, file with filename and file_data", () => {
    const image = imagePart(PNG, "image/jpeg");
    const audio = audioPart(Uint8Array.from([1, 2, 3]), "ogg");
    const pdf = pdfPart(Uint8Array.from(Buffer.from("%PDF-1.7")), "report.pdf");

    expect(image).toEqual({
      type: "image_url",
      image_url: { url: `data:image/png;base64,${Buffer.from(PNG).toString("base64")}` },
    });
    expect(audio).toEqual({ type: "input_audio", input_audio: { data: "AQID", format: "ogg" } });
    expect(pdf).toEqual({
      type: "file",
      file: {
        filename: "report.pdf",
        file_data: `data:application/pdf;base64,${Buffer.from("%PDF-1.7").toString("base64")}`,
      },
    });
    expect(contentProblem(asked({ type: "text", text: "What is it?" }, image, audio, pdf))).toBeUndefined();
  });

  it("the fake OpenRouter refuses shapes its documentation does not describe", () => {
    expect(contentProblem(asked({ type: "image_url", image_url: "data:image/png;base64,AAAA" }))).toMatch(
      /url/,
    );
    expect(contentProblem(asked({ type: "image_url", image_url: { url: "http://x/y.png" } }))).toMatch(
      /https/,
    );
    expect(contentProblem(asked({ type: "input_audio", input_audio: { data: "AQID" } }))).toMatch(/format/);
    expect(
      contentProblem(
        asked({ type: "input_audio", input_audio: { data: "data:audio/ogg;base64,AQID", format: "ogg" } }),
      ),
    ).toMatch(/base64/);
    expect(
      contentProblem(asked({ type: "file", file: { file_data: "data:application/pdf;base64,AA==" } })),
    ).toMatch(/filename/);
    expect(contentProblem(asked({ type: "audio", audio: "AQID" }))).toMatch(/not a content part type/);
    expect(contentProblem({ messages: [{ role: "user", content: [] }] })).toMatch(/non-empty/);
  });

  it("an image's type comes from its bytes (Telegram's photos are JPEG), else from what was declared", () => {
    expect(imageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xdb]), undefined)).toBe("image/jpeg");
    expect(imageType(PNG, "image/jpeg")).toBe("image/png");
    expect(imageType(Uint8Array.from(Buffer.from("RIFF\0\0\0\0WEBPVP8 ")), undefined)).toBe("image/webp");
    expect(imageType(Uint8Array.from([1, 2, 3]), "image/gif")).toBe("image/gif");
  });

  it("a text file is read as UTF-8 (its byte-order mark dropped); invalid UTF-8 or a NUL is not text", () => {
    expect(textOf(Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from("привет")]))).toBe("привет");
    expect(textOf(Uint8Array.from([0xc3, 0x28]))).toBeUndefined();
    expect(textOf(Uint8Array.from([0x61, 0x00, 0x62]))).toBeUndefined();
    expect(textFileQuestion("a.md", "```js\nx\n```\n", "Explain")).toBe(
      "a.md:\n~~~~\n```js\nx\n```\n~~~~\n\nExplain",
    );
  });

  it("a question with an image counts a fixed estimate for it, and the memory is trimmed to make room", () => {
    const ask = askJobSchema.parse({
      chatId: 1,
      placeholderMessageId: 1,
      userId: 1,
      question: "What is it?",
      modelKey: "m",
      enqueuedAt: Date.now(),
      contextLength: 2_000,
      media: { kind: "image", fileId: "f" },
    });
    const memory = Array.from({ length: 6 }, (_, i) => ({
      role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
      content: "x".repeat(600),
    }));
    const image = imagePart(PNG, undefined);

    const prompt = buildPrompt(texts, ask, memory, [image]);

    expect(prompt.messages.at(-1)).toEqual({
      role: "user",
      content: [{ type: "text", text: "What is it?" }, image],
    });
    expect(estimateTokens([{ role: "user", content: [image] }])).toBe(MEDIA_PART_TOKENS + 4);
    // 2,000 tokens, 500 kept for the answer: the image's 1,000 leave room for one pair of the memory.
    expect(prompt.messages).toHaveLength(4);
  });
});

describe("what the gateway takes from a message", () => {
  const message = (fields: Partial<Message>) => fields as Message;

  it("a voice message is OGG audio; an audio file's format comes from its type; an unknown type is refused", () => {
    expect(mediaOf(message({ voice: { file_id: "v", file_unique_id: "u", duration: 1 } }))).toEqual({
      ok: true,
      media: { kind: "audio", fileId: "v", mime: "audio/ogg", format: "ogg" },
    });
    const audio = (mime_type: string) =>
      mediaOf(message({ audio: { file_id: "a", file_unique_id: "u", duration: 1, mime_type } }));
    expect(audio("audio/mpeg")).toMatchObject({ ok: true, media: { kind: "audio", format: "mp3" } });
    expect(audio("audio/x-ms-wma")).toEqual({ ok: false, reason: "type", fileName: undefined });
  });

  it("documents: PDFs by type or name, text and code by name or a text/* type, images as images; the rest refused", () => {
    const doc = (file_name: string, mime_type?: string, file_size = 10) =>
      mediaOf(
        message({
          document: {
            file_id: "d",
            file_unique_id: "u",
            file_name,
            file_size,
            ...(mime_type ? { mime_type } : {}),
          },
        }),
      );
    expect(doc("scan.PDF")).toMatchObject({ ok: true, media: { kind: "pdf" } });
    expect(doc("main.rs", "application/octet-stream")).toMatchObject({ ok: true, media: { kind: "text" } });
    expect(doc("notes", "text/plain")).toMatchObject({ ok: true, media: { kind: "text" } });
    expect(doc("photo.webp", "image/webp")).toMatchObject({ ok: true, media: { kind: "image" } });
    expect(doc("setup.exe", "application/x-msdownload")).toEqual({
      ok: false,
      reason: "type",
      fileName: "setup.exe",
    });
    expect(doc("big.pdf", "application/pdf", MEDIA_MAX_BYTES.pdf + 1)).toEqual({
      ok: false,
      reason: "too_big",
      kind: "pdf",
      size: MEDIA_MAX_BYTES.pdf + 1,
      limit: MEDIA_MAX_BYTES.pdf,
    });
    expect(mediaOf(message({ text: "hello" }))).toBeUndefined();
  });
});
