/**
 * Photos, voice messages and documents as questions, through the real gateway and worker: the gateway
 * queues Telegram's file id, the worker downloads the file from the fake Telegram (getFile, then the
 * file) and sends it to the fake OpenRouter as the content part its documentation describes (which the
 * fake checks, refusing any request that carries the bot token); and what the user reads when the
 * download fails or the file cannot be used.
 */
import type { Message, User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { isFinal } from "../support/ask.js";
import type { RecordedRequest } from "../support/fake-openrouter.js";
import { eventually } from "../support/queue.js";
import { Stack } from "../support/stack.js";

const texts = createLocalizer().of("ru");
const TRANSCRIBER = "google/gemini-2.5-flash-lite:free";
let stack: Stack;
let active: string;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1, env: { TRANSCRIBE_MODEL: TRANSCRIBER } });
  // The active model sees images, as OpenRouter's list would say after a sync.
  const { rows } = await stack.db.query<{ key: string }>(
    "UPDATE models SET input_modalities = '{text,image}' WHERE active RETURNING key",
  );
  active = rows[0]?.key as string;
});

afterAll(async () => {
  // No request ever carried the bot token (the fake refuses and counts them), and no log line a file URL,
  // a file's name or its contents.
  expect(stack.openrouter.leaks).toEqual([]);
  const logs = [stack.gateway.output, ...stack.workers.map((w) => w.output)].join("");
  for (const secret of [stack.telegram.token, "/file/bot", "cities.csv", "Москва,13000000", "report.pdf"]) {
    expect(logs).not.toContain(secret);
  }
  expect(await stack.stop()).toEqual([0, 0]);
});

const completions = () => stack.openrouter.requests.filter((r) => r.path.endsWith("/chat/completions"));
const partsOf = (request: RecordedRequest | undefined) =>
  (request?.messages.at(-1)?.content ?? []) as { type: string; [key: string]: unknown }[];

type Media = Pick<Message, "photo" | "voice" | "document">;

/** Sends a medium as `user` (private chat) and returns the final text of the bot's reply to it. */
async function sendAndRead(user: User, media: Media, caption?: string) {
  return (await sendAndWait(user, media, caption)).text;
}

/** sendAndRead, with the id of the message that shows the answer. */
async function sendAndWait(user: User, media: Media, caption?: string) {
  const before = stack.telegram.sentTo(user.id).length;
  stack.telegram.sendMedia(user, media, caption === undefined ? {} : { caption });
  const [reply] = await stack.telegram.repliesTo(user.id, 1, before);
  const messageId = reply?.messageId as number;
  // A voice message's transcript is shown above "⏳" while its answer comes: not final yet.
  const text = await stack.telegram.waitForText(
    user.id,
    messageId,
    (shown) => isFinal(shown) && !shown.includes("⏳"),
  );
  return { text, messageId };
}

/** The questions of the chat's memory, once its turn is written (just after the answer is shown). */
const questionsRemembered = (chatId: number) =>
  eventually(
    async () =>
      (
        await stack.db.query<{ content: string }>(
          "SELECT content FROM conversation_turns WHERE chat_id = $1 AND role = 'user'",
          [chatId],
        )
      ).rows.map((r) => r.content),
    (questions) => questions.length > 0,
  );

/** `text` matched literally in a RegExp. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 1, 2, 3, 4]);

describe("a photo", () => {
  it("is a question about the image: sent as a base64 data URL, answered with the footer naming the model, remembered as [image]", async () => {
    const user = stack.telegram.newUser();
    const small = stack.telegram.files.add(Uint8Array.from([0xff, 0xd8, 0xff, 9]), { folder: "photos" });
    const large = stack.telegram.files.add(JPEG, { folder: "photos", extension: "jpg" });
    const start = completions().length;
    const photo = [
      { file_id: small.fileId, file_unique_id: small.fileUniqueId, width: 90, height: 90, file_size: 4 },
      { file_id: large.fileId, file_unique_id: large.fileUniqueId, width: 800, height: 800, file_size: 14 },
    ];

    const answer = await sendAndRead(user, { photo });

    expect(answer).toMatch(
      new RegExp(
        `^Ответ: ${literal(texts.media.imageQuestion)}\\n\\n\\(\\d+ мс; модель: ${literal(active)}\\)$`,
      ),
    );
    const request = completions()[start];
    expect(request?.model).toBe(active);
    expect(partsOf(request)).toEqual([
      { type: "text", text: texts.media.imageQuestion },
      {
        type: "image_url",
        image_url: { url: `data:image/jpeg;base64,${Buffer.from(JPEG).toString("base64")}` },
      },
    ]);
    // The largest size was downloaded, by its path, once.
    expect(stack.telegram.files.downloads.filter((p) => p === large.path)).toHaveLength(1);
    expect(await questionsRemembered(user.id)).toEqual([`[image] ${texts.media.imageQuestion}`]);
  });

  it("whose download fails: the user reads that Telegram did not give the file, and no model is asked", async () => {
    const user = stack.telegram.newUser();
    const file = stack.telegram.files.add(JPEG, { folder: "photos" });
    stack.telegram.files.expire(file);
    const start = completions().length;
    const photo = [{ file_id: file.fileId, file_unique_id: file.fileUniqueId, width: 800, height: 800 }];

    const answer = await sendAndRead(user, { photo }, "Что это?");

    expect(answer).toBe(texts.ask.failure("download", texts.media.downloadFailed("HTTP 404")));
    expect(completions().length).toBe(start);
  });

  it("past Telegram's 20 MB download limit (getFile refuses it): the user reads so, and no model is asked", async () => {
    const user = stack.telegram.newUser();
    // Sent as a file whose size Telegram did not report to the gateway; getFile answers "file is too big".
    const file = stack.telegram.files.add(JPEG, { size: 25 * 1024 * 1024 });
    const start = completions().length;
    const document = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_name: "scan.png",
      mime_type: "image/png",
    };

    const answer = await sendAndRead(user, { document }, "Что на скане?");

    expect(answer).toBe(texts.ask.failure("too_big", texts.media.tooBigForTelegram));
    expect(completions().length).toBe(start);
  });
});

/** The user's rows in /usage's table (written beside the delivery: waited for, at most 10 s). */
const usageRows = (userId: number, count: number) =>
  eventually(
    async () =>
      (
        await stack.db.query<{ prompt_tokens: number; completion_tokens: number }>(
          "SELECT prompt_tokens, completion_tokens FROM ask_usage WHERE user_id = $1",
          [userId],
        )
      ).rows,
    (rows) => rows.length >= count,
  );

describe("a voice message", () => {
  it("is transcribed by TRANSCRIBE_MODEL from an input_audio part, the transcript shown and answered", async () => {
    const user = stack.telegram.newUser();
    const ogg = Uint8Array.from(Buffer.from("OggS fake opus voice"));
    const file = stack.telegram.files.add(ogg, { folder: "voice", extension: "oga" });
    const transcript = "Какая завтра погода в Москве";
    stack.openrouter.enqueueFor(TRANSCRIBER, { kind: "answer", content: transcript });
    const start = completions().length;
    const voice = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      duration: 2,
      mime_type: "audio/ogg",
      file_size: ogg.byteLength,
    };

    const { text: answer, messageId } = await sendAndWait(user, { voice });

    expect(answer).toMatch(
      new RegExp(
        `^${literal(texts.media.transcript(transcript))}\\n\\nОтвет: ${literal(texts.media.voiceQuestion)}\\n\\n${transcript}\\n\\n\\(\\d+ мс; модель: `,
      ),
    );
    const [hearing, answering] = completions().slice(start);
    expect(hearing?.model).toBe(TRANSCRIBER);
    expect(partsOf(hearing)).toEqual([
      { type: "text", text: texts.media.transcribePrompt },
      { type: "input_audio", input_audio: { data: Buffer.from(ogg).toString("base64"), format: "ogg" } },
    ]);
    expect(answering?.model).toBe(active);
    expect(answering?.messages.at(-1)?.content).toBe(`${texts.media.voiceQuestion}\n\n${transcript}`);
    expect(await questionsRemembered(user.id)).toEqual([`[voice] ${transcript}`]);
    // /usage counts the ask once, with what hearing it cost: the fake reports 12 + 7 tokens a completion.
    expect(await usageRows(user.id, 1)).toEqual([{ prompt_tokens: 24, completion_tokens: 14 }]);

    // The save button keeps the transcript as the question.
    const button = (
      stack.telegram.markupOf(user.id, messageId) as { inline_keyboard: { callback_data: string }[][] }
    ).inline_keyboard[0]?.[0];
    const chat = { id: user.id, type: "private" as const, first_name: user.first_name };
    const since = stack.telegram.calls.length;
    stack.telegram.pressButton(user, chat, messageId, button?.callback_data as string);
    await stack.telegram.waitForCall((c) => c.method === "answerCallbackQuery", 15_000, since);
    const { rows } = await stack.db.query<{ text: string }>("SELECT text FROM notes WHERE user_id = $1", [
      user.id,
    ]);
    expect(rows.map((r) => r.text)).toEqual([
      `❓ [voice] ${transcript}\n\nОтвет: ${texts.media.voiceQuestion}\n\n${transcript}`,
    ]);
  });

  it("/note_add as a reply to it saves its transcript as a note and asks no model anything else", async () => {
    const user = stack.telegram.newUser();
    const group = stack.telegram.newGroup();
    const ogg = Uint8Array.from(Buffer.from("OggS another voice"));
    const file = stack.telegram.files.add(ogg, { folder: "voice", extension: "oga" });
    const transcript = "Купить хлеб и молоко";
    stack.openrouter.enqueueFor(TRANSCRIBER, { kind: "answer", content: transcript });
    const voice = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      duration: 2,
      mime_type: "audio/ogg",
    };
    // In a group a voice message alone is chatter; /note_add as a reply to it is for the bot.
    const sent = stack.telegram.sendMedia(user, { voice }, { chat: group });
    const start = completions().length;
    const before = stack.telegram.sentTo(group.id).length;

    stack.telegram.sendReply(user, "/note_add", group, (sent.message as Message).message_id, {
      entities: [{ type: "bot_command", offset: 0, length: 9 }],
    });
    const [placeholder] = await stack.telegram.repliesTo(group.id, 1, before);
    const shown = await stack.telegram.waitForText(
      group.id,
      placeholder?.messageId as number,
      (t) => !t.startsWith("⏳"),
    );

    const { rows } = await stack.db.query<{ id: string; text: string }>(
      "SELECT id, text FROM notes WHERE user_id = $1",
      [user.id],
    );
    expect(rows.map((r) => r.text)).toEqual([transcript]);
    expect(shown).toBe(`${texts.media.transcript(transcript)}\n\n${texts.noteAdded(String(rows[0]?.id))}`);
    expect(
      completions()
        .slice(start)
        .map((r) => r.model),
    ).toEqual([TRANSCRIBER]);
    expect(await usageRows(user.id, 1)).toEqual([{ prompt_tokens: 12, completion_tokens: 7 }]);
  });
});

describe("a document", () => {
  it("a text file with a question: its UTF-8 contents go into the question", async () => {
    const user = stack.telegram.newUser();
    const csv = "город,население\nМосква,13000000\n";
    const file = stack.telegram.files.add(Uint8Array.from(Buffer.from(csv)), { extension: "csv" });
    const start = completions().length;
    const document = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_name: "cities.csv",
      mime_type: "text/csv",
      file_size: Buffer.byteLength(csv),
    };

    const answer = await sendAndRead(user, { document }, "Сколько городов?");

    expect(answer).toMatch(/^Ответ: cities\.csv:\n/);
    const sent = completions()[start]?.messages.at(-1)?.content;
    expect(sent).toBe(`cities.csv:\n\`\`\`\n${csv.trimEnd()}\n\`\`\`\n\nСколько городов?`);
  });

  it("a PDF with a question: sent as a file part with its name and a base64 data URL", async () => {
    const user = stack.telegram.newUser();
    const pdf = Uint8Array.from(Buffer.from("%PDF-1.4 fake"));
    const file = stack.telegram.files.add(pdf, { extension: "pdf" });
    const start = completions().length;
    const document = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_name: "report.pdf",
      mime_type: "application/pdf",
      file_size: pdf.byteLength,
    };

    const answer = await sendAndRead(user, { document }, "О чём отчёт?");

    expect(answer).toMatch(/^Ответ: О чём отчёт\?\n\n\(\d+ мс; модель: /);
    expect(partsOf(completions()[start])).toEqual([
      { type: "text", text: "О чём отчёт?" },
      {
        type: "file",
        file: {
          filename: "report.pdf",
          file_data: `data:application/pdf;base64,${Buffer.from(pdf).toString("base64")}`,
        },
      },
    ]);
  });

  it("a text file that is not UTF-8: the user reads so, and no model is asked", async () => {
    const user = stack.telegram.newUser();
    const file = stack.telegram.files.add(Uint8Array.from([0xc3, 0x28, 0xff, 0xfe]), { extension: "txt" });
    const start = completions().length;
    const document = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_name: "notes.txt",
      file_size: 4,
    };

    const answer = await sendAndRead(user, { document }, "Что здесь?");

    expect(answer).toBe(texts.ask.failure("unreadable", texts.media.unreadable("notes.txt")));
    expect(completions().length).toBe(start);
  });
});
