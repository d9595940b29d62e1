/**
 * Senders that are not a person, as the real Bot API delivers them (for FakeTelegram.sendText's `from`
 * and `extra`): in non-channel chats a message written on behalf of a chat carries `sender_chat` and,
 * for backward compatibility, a stand-in `from` that everyone doing the same shares.
 */
import type { Chat, Message, User } from "grammy/types";
import type { FakeTelegram } from "./fake-telegram.js";

/** The stand-in sender of every anonymous group admin (`sender_chat` is the group itself). */
export const GROUP_ANONYMOUS_BOT: User = {
  id: 1_087_968_824,
  is_bot: true,
  first_name: "Group",
  username: "GroupAnonymousBot",
};

/** The stand-in sender of every message sent "as" a channel (`sender_chat` is the channel). */
export const CHANNEL_BOT: User = {
  id: 136_817_688,
  is_bot: true,
  first_name: "Channel",
  username: "Channel_Bot",
};

/** Telegram's own account: the sender of a linked channel's posts forwarded into its discussion group. */
export const TELEGRAM: User = { id: 777_000, is_bot: false, first_name: "Telegram" };

/** A supergroup (anonymous admins and discussion groups exist only there), id unused by other tests. */
export function newSupergroup(telegram: FakeTelegram, title = "Супергруппа"): Chat.SupergroupChat {
  return { id: -1_000_000_000_000 + telegram.newGroup().id, type: "supergroup", title };
}

/** A channel, id unused by other tests. */
export function newChannel(telegram: FakeTelegram, title = "Канал"): Chat.ChannelChat {
  return { id: -1_000_000_000_000 + telegram.newGroup().id, type: "channel", title };
}

/** `from` and `extra` of a message an anonymous admin writes in `group`. */
export const anonymousAdminOf = (group: Chat.SupergroupChat) => ({
  from: GROUP_ANONYMOUS_BOT,
  extra: { sender_chat: group, author_signature: "Админ" } as Partial<Message>,
});

/** `from` and `extra` of a message sent on behalf of `channel` in a group. */
export const asChannel = (channel: Chat.ChannelChat) => ({
  from: CHANNEL_BOT,
  extra: { sender_chat: channel } as Partial<Message>,
});

/** `from` and `extra` of `channel`'s post number `postId`, forwarded into its discussion group. */
export const automaticForwardOf = (channel: Chat.ChannelChat, postId: number) => ({
  from: TELEGRAM,
  extra: {
    sender_chat: channel,
    is_automatic_forward: true,
    forward_origin: {
      type: "channel",
      chat: channel,
      message_id: postId,
      date: Math.floor(Date.now() / 1000),
    },
  } as Partial<Message>,
});
