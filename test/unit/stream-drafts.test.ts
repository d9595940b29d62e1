import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStreamPreview, type DraftSupport } from "../../services/worker/src/ask/stream-preview.js";
import { createChatMessages } from "../../services/worker/src/ask/telegram.js";
import { createLogger } from "../../shared/src/logging/index.js";
import { FakeTelegram } from "../support/fake-telegram.js";

let telegram: FakeTelegram;
let api: Api;
const logger = createLogger({ level: "silent", service: "test", secrets: [] });

beforeAll(async () => {
  telegram = await FakeTelegram.start();
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
});

afterAll(() => telegram.close());

/** Streams `text` into a preview of a private chat's placeholder and stops once a frame was shown. */
async function streamOnce(chatId: number, drafts: DraftSupport): Promise<void> {
  const placeholder = await api.sendMessage(chatId, "⏳");
  const since = telegram.calls.length;
  const preview = createStreamPreview({
    messages: createChatMessages(api, { chatId }),
    chatId,
    messageIds: [placeholder.message_id],
    drafts,
    intervalMs: 10,
    logger,
    onOpened: async () => {},
    onUndeliverable: () => {},
  });
  preview.push("Первые слова ответа");
  await telegram.until(
    () => telegram.calls.slice(since).some((c) => c.ok !== undefined),
    10_000,
    () => "no preview frame",
  );
  await preview.stop();
}

const methodsFor = (chatId: number) =>
  telegram.calls
    .filter((c) => Number(c.payload.chat_id) === chatId && c.method !== "sendMessage")
    .map((c) => `${c.method}:${c.ok}`);

describe("message drafts", () => {
  it("one chat's flood wait or refusal of a draft never turns drafts off for other chats", async () => {
    telegram.draftsSupported = true;
    const drafts: DraftSupport = { available: undefined };
    const [a, b, c] = [telegram.newUser().id, telegram.newUser().id, telegram.newUser().id];

    telegram.failNext("sendMessageDraft", {
      error_code: 429,
      description: "Too Many Requests: retry after 3",
      parameters: { retry_after: 3 },
    });
    await streamOnce(a, drafts);
    telegram.failNext("sendMessageDraft", {
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    await streamOnce(b, drafts);
    await streamOnce(c, drafts);

    expect(methodsFor(a)).toEqual(["sendMessageDraft:false"]);
    expect(methodsFor(b)).toEqual(["sendMessageDraft:false"]);
    // The third chat still streams through a draft: the others' errors were theirs alone.
    expect(methodsFor(c)).toEqual(["sendMessageDraft:true"]);
    expect(drafts.available).toBe(true);
  });

  it("only the answer that the method is unavailable turns drafts off, for every chat", async () => {
    telegram.draftsSupported = false;
    const drafts: DraftSupport = { available: undefined };
    const [a, b] = [telegram.newUser().id, telegram.newUser().id];
    await streamOnce(a, drafts);
    expect(drafts.available).toBe(false);
    await streamOnce(b, drafts);
    expect(methodsFor(a)).toEqual(["sendMessageDraft:false", "editMessageText:true"]);
    expect(methodsFor(b)).toEqual(["editMessageText:true"]);
  });
});

describe("first words", () => {
  /** A preview with an interval no test waits for: any frame before stop() is a first frame sent at once. */
  const previewOf = async (chatId: number, drafts: DraftSupport) => {
    const placeholder = await api.sendMessage(chatId, "⏳");
    return createStreamPreview({
      messages: createChatMessages(api, { chatId }),
      chatId,
      messageIds: [placeholder.message_id],
      drafts,
      intervalMs: 600_000,
      logger,
      onOpened: async () => {},
      onUndeliverable: () => {},
    });
  };

  it("in a private chat, the first draft goes out with the first text; later frames keep to the interval", async () => {
    telegram.draftsSupported = true;
    const chatId = telegram.newUser().id;
    const preview = await previewOf(chatId, { available: true });
    preview.push("Первые");
    const first = await telegram.waitForCall(
      (c) => c.method === "sendMessageDraft" && c.payload.chat_id === chatId,
    );
    await telegram.answered(first);
    preview.push(" слова");
    preview.push(" ответа");
    await preview.stop();
    expect(methodsFor(chatId)).toEqual(["sendMessageDraft:true"]);
    expect(first.payload.text).toBe("Первые");
  });

  it("in a group (edits, no drafts), the first preview keeps to the interval", async () => {
    const group = telegram.newGroup().id;
    const preview = await previewOf(group, { available: true });
    preview.push("Первые слова");
    await preview.stop();
    expect(methodsFor(group)).toEqual([]);
  });
});
