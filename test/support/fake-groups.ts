import type { Chat, Update, User } from "grammy/types";
import type { FakeTelegram, Fault } from "./fake-telegram.js";

/**
 * Groups as the real Telegram has them, switched on per test by creating one of these on a fake:
 * forum supergroups with topics (a message goes to a topic by `message_thread_id`, to General without
 * it; a closed topic or a closed General refuses the bot's messages with TOPIC_CLOSED), and a group
 * upgraded to a supergroup (the service messages in both chats, and every call to the old chat answered
 * 400 "group chat was upgraded to a supergroup chat" with `parameters.migrate_to_chat_id`).
 */
export class FakeGroups {
  /** `chatId:threadId` of closed topics; `chatId:general` for a closed General. */
  private readonly closed = new Set<string>();
  private readonly forums = new Set<number>();
  private readonly migrated = new Map<number, number>();
  // Ids of their own, far from the fake's: users' messages in topics and service messages.
  private nextMessageId = 800_000_000;
  private nextChatId = 1_000_000 + Math.floor(Math.random() * 1_000_000) * 100;

  constructor(private readonly telegram: FakeTelegram) {
    telegram.guards.push((method, payload) => this.refusal(method, payload));
  }

  /** A forum supergroup no other test has used. */
  newForum(): Chat {
    const chat = { id: this.newSupergroupId(), type: "supergroup", title: "Форум", is_forum: true } as Chat;
    this.forums.add(chat.id);
    return chat;
  }

  /** Closes a topic of a forum, or its General topic (`"general"`): only admins may write there. */
  close(chatId: number, topic: number | "general"): void {
    this.closed.add(`${chatId}:${topic}`);
  }

  /** Queues `text` from `from` in topic `threadId` of `forum`, as Telegram delivers a message in a topic. */
  sendInTopic(from: User, text: string, forum: Chat, threadId: number): Update {
    const command = /^\/\S+/.exec(text);
    const message = {
      message_id: this.nextMessageId++,
      message_thread_id: threadId,
      is_topic_message: true,
      date: Math.floor(Date.now() / 1000),
      chat: forum,
      from,
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    };
    return this.telegram.pushUpdate({ message } as unknown as Omit<Update, "update_id">);
  }

  /**
   * Upgrades `group` to a new supergroup, as a member's action does: from now on the old chat refuses
   * every call; the two service messages arrive when `serviceMessages` (default) is set.
   */
  migrate(group: Chat, by: User, { serviceMessages = true } = {}): Chat {
    const supergroup = { id: this.newSupergroupId(), type: "supergroup", title: "Группа" } as Chat;
    this.migrated.set(group.id, supergroup.id);
    if (serviceMessages) {
      const date = Math.floor(Date.now() / 1000);
      const message = (chat: Chat, field: Record<string, number>) =>
        ({ message_id: this.nextMessageId++, date, chat, from: by, ...field }) as unknown;
      this.telegram.pushUpdate({
        message: message(group, { migrate_to_chat_id: supergroup.id }),
      } as Omit<Update, "update_id">);
      this.telegram.pushUpdate({
        message: message(supergroup, { migrate_from_chat_id: group.id }),
      } as Omit<Update, "update_id">);
    }
    return supergroup;
  }

  private newSupergroupId(): number {
    this.nextChatId += 1;
    return -(1_000_000_000_000 + this.nextChatId);
  }

  private refusal(method: string, p: Record<string, unknown>): Fault | undefined {
    if (p.chat_id === undefined) return undefined;
    const chatId = Number(p.chat_id);
    const to = this.migrated.get(chatId);
    if (to !== undefined)
      return {
        error_code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: to },
      };
    if (!this.forums.has(chatId) || !SENDS.has(method)) return undefined;
    const topic = p.message_thread_id === undefined ? "general" : Number(p.message_thread_id);
    if (this.closed.has(`${chatId}:${topic}`))
      return { error_code: 400, description: "Bad Request: TOPIC_CLOSED" };
    return undefined;
  }
}

/** Methods that put a new message into a chat (an edit stays where its message is). */
const SENDS = new Set(["sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"]);
