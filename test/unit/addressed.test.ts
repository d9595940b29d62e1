/** What in a group is for the bot: commands for it, mentions of it, replies to its answers (not to its other messages). */
import type { Message } from "grammy/types";
import { describe, expect, it } from "vitest";
import { isAddressedTo, isBotAnswer, withoutMentionOf } from "../../services/gateway/src/addressed.js";
import { saveCallbackData } from "../../shared/src/queue/index.js";

const me = { id: 700_000_001, username: "NotesTestBot" };
const group = { id: -5, type: "group", title: "G" } as const;
const person = { id: 42, is_bot: false, first_name: "A" };

const botMessage = (replyMarkup?: unknown) =>
  ({
    message_id: 10,
    date: 0,
    chat: group,
    from: { id: me.id, is_bot: true, first_name: "Notes", username: me.username },
    text: "…",
    ...(replyMarkup === undefined ? {} : { reply_markup: replyMarkup }),
  }) as unknown as Message;

const button = (data: string) => ({ inline_keyboard: [[{ text: "📝", callback_data: data }]] });

/** A group message as Telegram sends it: a command entity at the start, a mention entity per @name. */
const groupMessage = (text: string, replyTo?: Message) =>
  ({
    message_id: 11,
    date: 0,
    chat: group,
    from: person,
    text,
    entities: [
      ...(text.startsWith("/")
        ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length }]
        : []),
      ...[...text.matchAll(/(?<=^|\s)@\w+/g)].map((m) => ({
        type: "mention",
        offset: m.index,
        length: m[0].length,
      })),
    ],
    ...(replyTo ? { reply_to_message: replyTo } : {}),
  }) as unknown as Message;

describe("what in a group is for the bot", () => {
  it("knows an answer by its save button, and nothing else of the bot's as an answer", () => {
    const save = saveCallbackData("tg-update-7") as string;
    expect(isBotAnswer(botMessage(button(save)), me)).toBe(true);
    expect(isBotAnswer(botMessage(), me)).toBe(false);
    expect(isBotAnswer(botMessage(button("other:1")), me)).toBe(false);
    expect(isBotAnswer({ ...botMessage(button(save)), from: person } as Message, me)).toBe(false);
    expect(isBotAnswer(undefined, me)).toBe(false);
  });

  it("takes the bot's mention out of a question, whatever its case, and ignores other mentions", () => {
    expect(withoutMentionOf(me, groupMessage("@NotesTestBot как дела?"))).toBe("как дела?");
    expect(withoutMentionOf(me, groupMessage("скажи, @notestestbot, который час"))).toBe(
      "скажи, , который час",
    );
    expect(withoutMentionOf(me, groupMessage("@OtherBot как дела?"))).toBeUndefined();
    expect(withoutMentionOf(me, groupMessage("без упоминаний"))).toBeUndefined();
  });

  it("counts commands for no bot or for this one, mentions and replies to answers; not other chatter", () => {
    const answer = botMessage(button(saveCallbackData("tg-update-8") as string));
    expect(isAddressedTo(me, groupMessage("/note_list"))).toBe(true);
    expect(isAddressedTo(me, groupMessage("/note_list@NotesTestBot"))).toBe(true);
    expect(isAddressedTo(me, groupMessage("/note_list@OtherBot"))).toBe(false);
    expect(isAddressedTo(me, groupMessage("эй @NotesTestBot"))).toBe(true);
    expect(isAddressedTo(me, groupMessage("а подробнее?", answer))).toBe(true);
    expect(isAddressedTo(me, groupMessage("спасибо", botMessage()))).toBe(false);
    expect(isAddressedTo(me, groupMessage("просто болтаем"))).toBe(false);
  });

  it("reads a photo's or document's caption as it reads a text", () => {
    const captioned = (text: string) => {
      const { text: caption, entities: caption_entities, ...rest } = groupMessage(text);
      return {
        ...rest,
        photo: [{ file_id: "p", file_unique_id: "u", width: 1, height: 1 }],
        caption,
        caption_entities,
      } as Message;
    };
    expect(isAddressedTo(me, captioned("/ask что это?"))).toBe(true);
    expect(isAddressedTo(me, captioned("@NotesTestBot что это?"))).toBe(true);
    expect(isAddressedTo(me, captioned("смотрите, кот"))).toBe(false);
  });
});
