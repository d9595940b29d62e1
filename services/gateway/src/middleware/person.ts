/**
 * A person's data belongs to a person. Telegram sends a message written on behalf of a chat with a
 * stand-in sender shared by everyone who does the same: anonymous group admins all come as
 * GroupAnonymousBot with `sender_chat` = the group, posts "sent as" a channel as Channel_Bot with
 * `sender_chat` = the channel, a linked channel's posts forwarded into its discussion group as 777000
 * (`is_automatic_forward`). Such an update stops here, before anything reads or writes notes, memory,
 * usage, limits or asks; when it was for the bot (a command, a mention, a reply to an answer) it is told,
 * in both languages (a stand-in sender has none), to write as oneself. Callback queries (the save button)
 * always come from the person who pressed: their `from` is that user, and they carry no `sender_chat`.
 */
import type { Localizer } from "@notesbot/shared/texts";
import type { Context, MiddlewareFn } from "grammy";
import { isAddressedTo } from "../addressed.js";

/** Telegram's service accounts: 777000 (Telegram), 1087968824 (GroupAnonymousBot), 136817688 (Channel_Bot). */
const SERVICE_ACCOUNTS: ReadonlySet<number> = new Set([777_000, 1_087_968_824, 136_817_688]);

/** Whether the update's sender is a person: a user who is not a service account, writing as themselves. */
function fromAPerson(ctx: Context): boolean {
  return (
    ctx.from !== undefined && !SERVICE_ACCOUNTS.has(ctx.from.id) && ctx.message?.sender_chat === undefined
  );
}

export function onlyPeople(localizer: Localizer): MiddlewareFn<Context> {
  const notice = `${localizer.of("ru").notAPerson}\n\n${localizer.of("en").notAPerson}`;
  return async (ctx, next) => {
    if (fromAPerson(ctx)) return next();
    const message = ctx.message;
    // A channel's post forwarded into its discussion group is not written to the bot: no reply under it.
    if (message !== undefined && !message.is_automatic_forward && isAddressedTo(ctx.me, message)) {
      await ctx.reply(notice, {
        reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      });
    }
    // Not sent by Telegram, but a button press must never be left loading.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  };
}
