/**
 * The gateway's composers through the gateway built in this process (its own factories, the fake
 * Telegram, the real PostgreSQL and Redis): what a user is told and what is stored or queued. Texts come
 * from the localizer where the wording is not the point.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { askJobId } from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

const texts = createLocalizer().of("ru");
const ASKS_PER_MINUTE = 2;
let gateway: GatewayInProcess;
let redis: Redis;

beforeAll(async () => {
  gateway = await startGatewayInProcess({ asksPerMinute: ASKS_PER_MINUTE });
  redis = new Redis(inject("redisUrl"));
});

afterAll(async () => {
  redis.disconnect();
  await gateway.close();
});

type User = ReturnType<GatewayInProcess["telegram"]["newUser"]>;

/** Sends `text` as `user` in their private chat and handles it; resolves with the bot's new replies. */
async function say(user: User, text: string) {
  const before = gateway.telegram.sentTo(user.id).length;
  const update = gateway.telegram.sendText(user, text);
  await gateway.receive(update);
  return { update, replies: gateway.telegram.sentTo(user.id).slice(before) };
}

const textsOf = (replies: { payload: Record<string, unknown> }[]) => replies.map((c) => c.payload.text);

/** The ask job the gateway queued for an update (its data), if any. */
async function jobOf(updateId: number): Promise<Record<string, unknown> | undefined> {
  const data = await redis.hget(`${gateway.queuePrefix}:ask:${askJobId(updateId)}`, "data");
  return data === null ? undefined : (JSON.parse(data) as Record<string, unknown>);
}

const activeModel = async () =>
  (await gateway.db.query<{ key: string }>("SELECT key FROM models WHERE active")).rows.map((r) => r.key);

describe("notes composer", () => {
  it("another user's note can be neither edited nor deleted: it is not found for them, and stays as it was", async () => {
    const owner = gateway.telegram.newUser();
    const other = gateway.telegram.newUser();
    await say(owner, "/note_add Код от сейфа 1234");
    const { rows } = await gateway.db.query<{ id: string }>("SELECT id FROM notes WHERE user_id = $1", [
      owner.id,
    ]);
    const noteId = String(rows[0]?.id);

    const edited = await say(other, `/note_edit ${noteId} Чужой текст`);
    const deleted = await say(other, `/note_del ${noteId}`);

    expect(textsOf(edited.replies)).toEqual([texts.noteNotFound(noteId)]);
    expect(textsOf(deleted.replies)).toEqual([texts.noteNotFound(noteId)]);
    const after = await gateway.db.query("SELECT text FROM notes WHERE id = $1", [noteId]);
    expect(after.rows).toEqual([{ text: "Код от сейфа 1234" }]);
  });
});

describe("the sender's language", () => {
  it("a language chosen before (stored, not cached here) is the one a first update is answered in", async () => {
    const user = gateway.telegram.newUser();
    await gateway.db.query("INSERT INTO user_settings (user_id, locale) VALUES ($1, 'en')", [user.id]);
    const { replies } = await say(user, "/note_count");
    expect(textsOf(replies)).toEqual([createLocalizer().of("en").noteCount(0)]);
  });
});

describe("models composer", () => {
  it("someone who is not an admin cannot switch the model: told so with their own id, the model unchanged", async () => {
    const user = gateway.telegram.newUser();
    const before = await activeModel();
    const other = "qwen/qwen3-coder:free";
    expect(before).not.toContain(other);

    const { replies } = await say(user, `/model ${other}`);

    expect(textsOf(replies)).toEqual([texts.modelSwitchForbidden(user.id)]);
    expect(await activeModel()).toEqual(before);
  });
});

describe("ask composer", () => {
  it("an ask gets a placeholder in reply and one job for the active model; handled again, neither is repeated", async () => {
    const user = gateway.telegram.newUser();
    const { update, replies } = await say(user, "/ask Почему небо голубое?");
    await gateway.receiveAgain(update);

    expect(textsOf(replies)).toEqual([texts.ask.placeholder]);
    expect(replies[0]?.payload.reply_parameters).toMatchObject({ message_id: update.message?.message_id });
    expect(gateway.telegram.sentTo(user.id)).toHaveLength(1);
    expect(await jobOf(update.update_id)).toMatchObject({
      question: "Почему небо голубое?",
      modelKey: (await activeModel())[0],
      userId: user.id,
      placeholderMessageId: replies[0]?.messageId,
    });
  });

  it(`past ${ASKS_PER_MINUTE} asks a minute the user is told the limit, with no placeholder and no job`, async () => {
    const user = gateway.telegram.newUser();
    for (let i = 1; i <= ASKS_PER_MINUTE; i++) await say(user, `/ask Вопрос ${i}`);

    const { update, replies } = await say(user, "/ask Ещё один вопрос");

    expect(textsOf(replies)).toEqual([texts.ask.tooMany(ASKS_PER_MINUTE)]);
    expect(await jobOf(update.update_id)).toBeUndefined();
  });

  it("a question past the length limit is refused with its length; nothing is queued", async () => {
    const user = gateway.telegram.newUser();
    const question = "в".repeat(3_001);

    const { update, replies } = await say(user, `/ask ${question}`);

    expect(textsOf(replies)).toEqual([texts.ask.tooLong(question.length)]);
    expect(await jobOf(update.update_id)).toBeUndefined();
  });
});
