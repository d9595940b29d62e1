/**
 * The one message a chat gets when its burst was cut (intake/lanes.ts): in the sender's language, in
 * the topic the burst came from; sent in the background, a failure only logged.
 */

import { localeOf } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import type { Localizer } from "@notesbot/shared/texts";
import type { Api } from "grammy";
import type { Update } from "grammy/types";
import { chatIdOf } from "./inbox.js";

export function createRefusalNotice(api: Api, localizer: Localizer, logger: Logger, maxWaiting: number) {
  return (update: Update): void => {
    const chatId = chatIdOf(update);
    if (chatId === undefined) return;
    const message = update.message ?? update.callback_query?.message;
    const from = update.message?.from ?? update.callback_query?.from;
    const text = localizer.of(localeOf(from?.language_code)).errors.tooManyUpdates(maxWaiting);
    const threadId =
      message && "is_topic_message" in message && message.is_topic_message
        ? message.message_thread_id
        : undefined;
    const topic = threadId === undefined ? {} : { message_thread_id: threadId };
    api.sendMessage(chatId, text, topic).catch((error: unknown) => {
      logger.warn(
        { err: error, chatId, updateId: update.update_id },
        "could not tell a chat its burst was cut",
      );
    });
  };
}
