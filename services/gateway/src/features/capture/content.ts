/**
 * What a forwarded message brings to a note: its text (or caption), its photo (the largest size's
 * Telegram file_id) and where it came from (Bot API `forward_origin`), and how parts make one note.
 */
import type { NoteOrigin } from "@notesbot/shared/domain";
import type { Chat, Message, MessageOrigin } from "grammy/types";
import { fitNote } from "../notes/format.js";

export interface ForwardContent {
  text: string;
  photo: string | undefined;
}

/** The text or caption of a message, and its photo if it has one. */
export function contentOf(message: Message): ForwardContent {
  const text = (message.text ?? message.caption ?? "").trim();
  // Telegram lists a photo's sizes smallest first: the last is the original.
  const photo = message.photo?.at(-1)?.file_id;
  return { text, photo };
}

const fullName = (first: string, last: string | undefined) => (last ? `${first} ${last}` : first);

/**
 * Who or what a forward came from: a user, a user who hides their account, a group (on its behalf) or
 * a channel. A channel with a username is public: its post has a link, https://t.me/<username>/<id>.
 */
export function originOf(origin: MessageOrigin): NoteOrigin {
  switch (origin.type) {
    case "user":
      return { kind: "user", name: fullName(origin.sender_user.first_name, origin.sender_user.last_name) };
    case "hidden_user":
      return { kind: "hidden_user", name: origin.sender_user_name };
    case "chat":
      return { kind: "chat", name: chatName(origin.sender_chat) };
    case "channel": {
      const username = "username" in origin.chat ? origin.chat.username : undefined;
      return {
        kind: "channel",
        name: chatName(origin.chat),
        ...(username ? { link: `https://t.me/${username}/${origin.message_id}` } : {}),
      };
    }
  }
}

function chatName(chat: Chat): string {
  if ("title" in chat && chat.title) return chat.title;
  if ("first_name" in chat && chat.first_name) return chat.first_name;
  return "username" in chat && chat.username ? `@${chat.username}` : "?";
}

/** A note's text: the given texts joined by blank lines, cut to a note's length. */
export function noteText(texts: readonly string[]): { text: string; cut: boolean } {
  const text = texts.filter((t) => t !== "").join("\n\n");
  const fitted = fitNote(text);
  return { text: fitted, cut: fitted !== text };
}

/** The callback data of the undo button under a saved forward. */
export const undoData = (noteId: string) => `undo:${noteId}`;
export const UNDO_PATTERN = /^undo:([1-9]\d{0,17})$/;
