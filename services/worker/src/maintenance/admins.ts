import type { Db } from "@notesbot/shared/db";
import { isLocale } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import type { Localizer, Texts } from "@notesbot/shared/texts";
import type { Api } from "grammy";
import { telegramErrorFields } from "../chat-messages.js";

/**
 * Tells every admin (ADMIN_USER_IDS) one thing, each in their chosen language (user_settings, written
 * by the gateway's /lang; Russian otherwise). Never throws: a message that cannot be sent is logged.
 */
export function createAdminNotice(deps: AdminNoticeDeps) {
  const { db, logger } = deps;

  const localesOf = async (userIds: number[]) => {
    const { rows } = await db
      .query<{ user_id: string; locale: string | null }>(
        "SELECT user_id, locale FROM user_settings WHERE user_id = ANY($1::bigint[])",
        [userIds],
      )
      .catch(() => ({ rows: [] }));
    return new Map(
      rows.map((r) => [Number(r.user_id), r.locale !== null && isLocale(r.locale) ? r.locale : "ru"]),
    );
  };

  /** `about`: ids for the log lines (never user text). */
  return async (text: (texts: Texts) => string, about: Record<string, unknown>): Promise<void> => {
    const admins = [...deps.adminUserIds];
    if (admins.length === 0) {
      logger.warn(about, "no ADMIN_USER_IDS to tell");
      return;
    }
    const locales = await localesOf(admins);
    for (const adminId of admins) {
      await deps.api.sendMessage(adminId, text(deps.localizer.of(locales.get(adminId) ?? "ru"))).then(
        () => logger.info({ adminId, ...about }, "admin told"),
        (error: unknown) =>
          logger.warn({ adminId, ...telegramErrorFields(error) }, "could not tell an admin"),
      );
    }
  };
}

export type AdminNotice = ReturnType<typeof createAdminNotice>;

export interface AdminNoticeDeps {
  db: Db;
  api: Api;
  adminUserIds: ReadonlySet<number>;
  localizer: Localizer;
  logger: Logger;
}
