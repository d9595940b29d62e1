/**
 * Per-user settings in PostgreSQL: the language a user chose with /lang, their time zone (/tz), and
 * whether they were told (once) that /ask_notes sends notes to the model's provider. Reads of the language are cached for a
 * short while, since every update needs it.
 */
import type { Db } from "@notesbot/shared/db";
import { DEFAULT_TIME_ZONE, type Locale } from "@notesbot/shared/domain";

/** How long a user's language is taken from the cache: a /lang on another gateway shows after this. */
const LOCALE_CACHE_MS = 60_000;
const LOCALE_CACHE_MAX = 10_000;

export function createSettingsRepository(db: Db, now = () => Date.now()) {
  const cache = new Map<number, { locale: Locale | null; at: number }>();
  const remember = (userId: number, locale: Locale | null, at = now()) => {
    if (cache.size >= LOCALE_CACHE_MAX) cache.delete(cache.keys().next().value as number);
    cache.set(userId, { locale, at });
  };
  const fresh = (entry: { at: number } | undefined) =>
    entry !== undefined && now() - entry.at < LOCALE_CACHE_MS;

  return {
    /** The language the user chose, or null when they chose none. */
    async locale(userId: number): Promise<Locale | null> {
      const cached = cache.get(userId);
      if (cached !== undefined && fresh(cached)) return cached.locale;
      const { rows } = await db.query<{ locale: Locale | null }>(
        "SELECT locale FROM user_settings WHERE user_id = $1",
        [userId],
      );
      const locale = rows[0]?.locale ?? null;
      remember(userId, locale);
      return locale;
    },

    /**
     * Takes the user's language as read elsewhere at `readAt` (with the record of their update), so
     * that handling it reads nothing. Only where the cache holds nothing current: what it holds may be
     * newer (a /lang stored while that read ran, cached before its transaction committed).
     */
    prime(userId: number, locale: Locale | null, readAt: number): void {
      if (!fresh(cache.get(userId))) remember(userId, locale, readAt);
    },

    /** Stores the user's language (`db` may be the transaction of the update's effect). */
    async setLocale(userId: number, locale: Locale, tx: Pick<Db, "query"> = db): Promise<void> {
      await tx.query(
        `INSERT INTO user_settings (user_id, locale) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET locale = EXCLUDED.locale, updated_at = now()`,
        [userId, locale],
      );
      remember(userId, locale);
    },

    /** The user's time zone (an IANA name): their /tz, else UTC. Read afresh: only reminders need it. */
    async timeZone(userId: number): Promise<string> {
      const { rows } = await db.query<{ time_zone: string | null }>(
        "SELECT time_zone FROM user_settings WHERE user_id = $1",
        [userId],
      );
      return rows[0]?.time_zone ?? DEFAULT_TIME_ZONE;
    },

    /** Stores the user's time zone, a canonical IANA name (`db` may be the transaction of the update's effect). */
    async setTimeZone(userId: number, zone: string, tx: Pick<Db, "query"> = db): Promise<void> {
      await tx.query(
        `INSERT INTO user_settings (user_id, time_zone) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, updated_at = now()`,
        [userId, zone],
      );
    },

    /** Marks the /ask_notes privacy note as told; true only the first time. */
    async tellNotesPrivacyOnce(userId: number, tx: Pick<Db, "query"> = db): Promise<boolean> {
      const { rows } = await tx.query<{ first: boolean }>(
        `INSERT INTO user_settings AS s (user_id, notes_privacy_told_at) VALUES ($1, now())
         ON CONFLICT (user_id) DO UPDATE SET notes_privacy_told_at = now(), updated_at = now()
           WHERE s.notes_privacy_told_at IS NULL
         RETURNING true AS first`,
        [userId],
      );
      return rows.length === 1;
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
