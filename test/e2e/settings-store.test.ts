/** Per-user settings in the real PostgreSQL: the chosen language (cached briefly) and the privacy note told once. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSettingsRepository } from "../../services/gateway/src/features/settings/repository.js";
import { createTestDatabase } from "../support/database.js";

let db: pg.Pool;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await createTestDatabase(), max: 2 });
});

afterAll(async () => {
  await db.end();
});

describe("settings", () => {
  it("stores a user's language; another gateway sees it once its cache has expired", async () => {
    let clock = 0;
    const here = createSettingsRepository(db, () => clock);
    const there = createSettingsRepository(db, () => clock);
    expect(await there.locale(41)).toBeNull();
    await here.setLocale(41, "en");
    expect(await here.locale(41)).toBe("en");
    expect(await there.locale(41)).toBeNull(); // cached
    clock += 60_001;
    expect(await there.locale(41)).toBe("en");
    await here.setLocale(41, "ru");
    expect(await here.locale(41)).toBe("ru");
    expect(await here.locale(42)).toBeNull();
  });

  it("takes a language read with an update's record, but never over a newer one it holds", async () => {
    let clock = 0;
    const settings = createSettingsRepository(db, () => clock);
    await db.query("INSERT INTO user_settings (user_id, locale) VALUES (45, 'en')");
    // Read with the record: handling the update reads nothing (the row says en, the cache ru).
    settings.prime(45, "ru", clock);
    expect(await settings.locale(45)).toBe("ru");
    // A /lang stored while a record's read ran: the older value it read does not replace it.
    await settings.setLocale(45, "en");
    settings.prime(45, "ru", clock);
    expect(await settings.locale(45)).toBe("en");
    // Once the cache's entry is old, what a record read is taken.
    clock += 60_001;
    settings.prime(45, "ru", clock);
    expect(await settings.locale(45)).toBe("ru");
  });

  it("tells the notes privacy note once per user", async () => {
    const settings = createSettingsRepository(db);
    await settings.setLocale(43, "en");
    expect(await settings.tellNotesPrivacyOnce(43)).toBe(true);
    expect(await settings.tellNotesPrivacyOnce(43)).toBe(false);
    expect(await settings.tellNotesPrivacyOnce(44)).toBe(true);
    expect(await settings.tellNotesPrivacyOnce(44)).toBe(false);
    expect(await settings.locale(43)).toBe("en");
  });
});
