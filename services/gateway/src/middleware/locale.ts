/**
 * Gives every update the texts of its sender's language: the one chosen with /lang, else the one
 * Telegram's `language_code` suggests (Russian for ru, uk, be, kk; English otherwise). Reading the
 * choice may fail (PostgreSQL down): the update goes on in the suggested language.
 */

import { type Locale, localeOf } from "@notesbot/shared/domain";
import type { Localizer, Texts } from "@notesbot/shared/texts";
import type { Context, MiddlewareFn } from "grammy";
import type { SettingsRepository } from "../features/settings/repository.js";

export function useSendersLocale(
  settings: SettingsRepository,
  localizer: Localizer,
): MiddlewareFn<Context & LocaleFlavor> {
  return async (ctx, next) => {
    const from = ctx.from;
    const chosen = from ? await settings.locale(from.id).catch(() => null) : null;
    ctx.locale = chosen ?? localeOf(from?.language_code);
    ctx.texts = localizer.of(ctx.locale);
    return next();
  };
}

export interface LocaleFlavor {
  /** The sender's language. */
  locale: Locale;
  /** Everything the bot says to the sender, in their language. */
  texts: Texts;
}
