/**
 * Photos, voice messages and documents at the gateway (built in this process, real PostgreSQL and
 * Redis): which become questions, which model they go to (what the registry says each model takes,
 * VISION_MODEL, TRANSCRIBE_MODEL), and what the user reads when none can take them or the file is too
 * large, of a type the bot cannot read or has no question — with nothing queued then.
 */
import type { Chat, Message, User } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { MEDIA_MAX_BYTES } from "../../shared/src/domain/index.js";
import { askJobId } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { BOT_USER } from "../support/fake-telegram.js";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

const texts = createLocalizer().of("ru");
const VISION = "vision/model:free";
const HEARING = "hearing/model:free";
let gateway: GatewayInProcess;
let redis: Redis;
let active: string;

beforeAll(async () => {
  gateway = await startGatewayInProcess({ env: { VISION_MODEL: VISION, TRANSCRIBE_MODEL: HEARING } });
  redis = new Redis(inject("redisUrl"));
  const { rows } = await gateway.db.query<{ key: string }>("SELECT key FROM models WHERE active");
  active = rows[0]?.key as string;
});

afterAll(async () => {
  redis.disconnect();
  await gateway.close();
});

beforeEach(async () => {
  // Each test says what the registry knows: by default no model takes anything but text.
  await gateway.db.query("UPDATE models SET input_modalities = NULL");
  await gateway.db.query("DELETE FROM models WHERE key = ANY($1)", [[VISION, HEARING]]);
});

/** Sends a medium as `user` (their private chat unless `chat`) and handles it: the bot's replies and the job queued. */
async function send(
  user: User,
  media: Pick<Message, "photo" | "voice" | "audio" | "document">,
  options: { caption?: string; chat?: Chat } = {},
) {
  const chatId = options.chat?.id ?? user.id;
  const before = gateway.telegram.sentTo(chatId).length;
  const update = gateway.telegram.sendMedia(user, media, options);
  await gateway.receive(update);
  const replies = gateway.telegram
    .sentTo(chatId)
    .slice(before)
    .map((c) => c.payload.text);
  return { update, replies, job: await jobOf(update.update_id) };
}

async function jobOf(updateId: number): Promise<Record<string, unknown> | undefined> {
  const data = await redis.hget(`${gateway.queuePrefix}:ask:${askJobId(updateId)}`, "data");
  return data === null ? undefined : (JSON.parse(data) as Record<string, unknown>);
}

const photo = (sizes: number[]) =>
  sizes.map((size, i) => ({
    file_id: `photo-${i}-${size}`,
    file_unique_id: `u-${i}`,
    width: 100 * (i + 1),
    height: 100 * (i + 1),
    file_size: size,
  }));
const voice = {
  file_id: "voice-1",
  file_unique_id: "v-1",
  duration: 3,
  mime_type: "audio/ogg",
  file_size: 5000,
};
const document = (file_name: string, mime_type: string, file_size = 100) => ({
  file_id: `doc-${file_name}`,
  file_unique_id: `d-${file_name}`,
  file_name,
  mime_type,
  file_size,
});

describe("a photo", () => {
  it("in a private chat is a question about the image: its largest size within the limit, the default question, a model that can see", async () => {
    await gateway.db.query("UPDATE models SET input_modalities = '{text,image}' WHERE active");
    const user = gateway.telegram.newUser();

    const { replies, job } = await send(user, { photo: photo([1_000, 80_000, MEDIA_MAX_BYTES.image + 1]) });

    expect(replies).toEqual([texts.ask.placeholder]);
    expect(job).toMatchObject({
      question: texts.media.imageQuestion,
      modelKey: active,
      media: { kind: "image", fileId: "photo-1-80000", size: 80_000, mime: "image/jpeg" },
    });
    // The job carries Telegram's file id only: no bytes, no URL (which would carry the bot token).
    expect(JSON.stringify(job)).not.toContain(gateway.telegram.token);
  });

  it("goes to VISION_MODEL when neither the chosen model nor its fallbacks can see", async () => {
    const user = gateway.telegram.newUser();

    const { job } = await send(user, { photo: photo([1_000]) }, { caption: "Что за порода собаки?" });

    expect(job).toMatchObject({ question: "Что за порода собаки?", modelKey: VISION, fallbackModelKeys: [] });
  });

  it("with no model that can see (VISION_MODEL unavailable): the user is told so and nothing is queued", async () => {
    await gateway.db.query(
      "INSERT INTO models (id, key, label, available) VALUES (9001, $1, 'Vision', false)",
      [VISION],
    );
    const user = gateway.telegram.newUser();

    const { replies, job } = await send(user, { photo: photo([1_000]) });

    expect(replies).toEqual([texts.media.noVision(active)]);
    expect(job).toBeUndefined();
  });

  it("in a group, not addressed to the bot, is chatter; with a caption mentioning the bot, a question", async () => {
    await gateway.db.query("UPDATE models SET input_modalities = '{text,image}' WHERE active");
    const user = gateway.telegram.newUser();
    const group = gateway.telegram.newGroup();

    const chatter = await send(user, { photo: photo([1_000]) }, { chat: group, caption: "смотрите" });
    const asked = await send(
      user,
      { photo: photo([2_000]) },
      { chat: group, caption: `@${BOT_USER.username} что это?` },
    );

    expect(chatter.replies).toEqual([]);
    expect(chatter.job).toBeUndefined();
    expect(asked.job).toMatchObject({ question: "что это?", media: { kind: "image" } });
  });
});

describe("a voice message", () => {
  it("with no model that can hear (TRANSCRIBE_MODEL unavailable, none in the registry takes audio): told so, nothing queued", async () => {
    await gateway.db.query(
      "INSERT INTO models (id, key, label, available) VALUES (9002, $1, 'Hear', false)",
      [HEARING],
    );
    const user = gateway.telegram.newUser();

    const { replies, job } = await send(user, { voice });

    expect(replies).toEqual([texts.media.noHearing]);
    expect(job).toBeUndefined();
  });

  it("is queued with its OGG format and the models that transcribe it: TRANSCRIBE_MODEL, then the registry's that take audio", async () => {
    const { rows } = await gateway.db.query<{ key: string }>(
      "UPDATE models SET input_modalities = '{text,audio}' WHERE NOT active AND id = (SELECT min(id) FROM models WHERE NOT active) RETURNING key",
    );
    const user = gateway.telegram.newUser();

    const { job } = await send(user, { voice });

    expect(job).toMatchObject({
      question: texts.media.voiceQuestion,
      modelKey: active,
      media: {
        kind: "audio",
        fileId: "voice-1",
        format: "ogg",
        transcribeModelKeys: [HEARING, rows[0]?.key],
      },
    });
  });
});

describe("a document", () => {
  it("of a type the bot cannot read, too large, or without a question: a clear message, nothing queued", async () => {
    const user = gateway.telegram.newUser();

    const zip = await send(
      user,
      { document: document("photos.zip", "application/zip") },
      { caption: "Что внутри?" },
    );
    const huge = await send(
      user,
      { document: document("log.txt", "text/plain", MEDIA_MAX_BYTES.text + 1) },
      { caption: "Где ошибка?" },
    );
    const silent = await send(user, { document: document("report.pdf", "application/pdf") });

    expect(zip.replies).toEqual([texts.media.wrongType("photos.zip")]);
    expect(huge.replies).toEqual([
      texts.media.tooBig("text", MEDIA_MAX_BYTES.text + 1, MEDIA_MAX_BYTES.text),
    ]);
    expect(silent.replies).toEqual([texts.media.needsQuestion]);
    expect([zip.job, huge.job, silent.job]).toEqual([undefined, undefined, undefined]);
  });

  it("replied to with /ask in a group is a question about it: a code file as text", async () => {
    const user = gateway.telegram.newUser();
    const group = gateway.telegram.newGroup();
    const shared = gateway.telegram.sendMedia(
      user,
      { document: document("main.py", "text/x-python") },
      { chat: group },
    );
    await gateway.receive(shared);
    const original = (shared.message as Message).message_id;

    const ask = gateway.telegram.sendReply(user, "/ask что делает этот код?", group, original, {
      entities: [{ type: "bot_command", offset: 0, length: 4 }],
    });
    await gateway.receive(ask);

    expect(await jobOf(ask.update_id)).toMatchObject({
      question: "что делает этот код?",
      media: { kind: "text", fileName: "main.py", fileId: "doc-main.py" },
    });
  });
});
