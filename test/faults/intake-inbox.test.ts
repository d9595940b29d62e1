/**
 * The inbox as two gateways behind one webhook see it, against the real PostgreSQL: one insert wins,
 * a lease keeps others off while its gateway lives and lets them take over once it ran out, and two
 * handlings of the same update at the same moment make one effect (a transaction's or one statement's).
 */
import type { Update } from "grammy/types";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInbox, type Inbox } from "../../services/gateway/src/intake/inbox.js";
import { createTestDatabase } from "../support/database.js";

let db: pg.Pool;
let a: Inbox;
let b: Inbox;
let nextId = 1;

const options = { leaseMs: 15_000, maxAttempts: 3, keepHandledMs: 86_400_000 };

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await createTestDatabase(), max: 8 });
  a = createInbox(db, db, { owner: "gateway-a", ...options });
  b = createInbox(db, db, { owner: "gateway-b", ...options });
});

afterAll(async () => {
  await db.end();
});

const message = (text: string): Update =>
  ({
    update_id: nextId++,
    message: {
      message_id: nextId,
      date: 0,
      chat: { id: 42, type: "private", first_name: "Тест" },
      from: { id: 42, is_bot: false, first_name: "Тест" },
      text,
    },
  }) as Update;

/** As if the holder had stopped renewing its leases 15 s ago (dead, or stalled). */
const ageLeases = (ids: number[]) =>
  db.query("UPDATE inbox SET claimed_until = now() - interval '1 second' WHERE update_id = ANY($1)", [ids]);

describe("the inbox shared by two gateways", () => {
  it("records an update once: the gateway whose insert won handles it, the other sees a re-delivery", async () => {
    const batch = [message("1"), message("2"), message("3")];
    const [forA, forB] = await Promise.all([a.record(batch), b.record(batch)]);
    expect(forA.size + forB.size).toBe(3);
    for (const { update_id } of batch) expect(forA.has(update_id)).not.toBe(forB.has(update_id));
    const { rows } = await db.query("SELECT chat_id FROM inbox WHERE update_id = ANY($1)", [
      batch.map((u) => u.update_id),
    ]);
    expect(rows).toEqual([{ chat_id: "42" }, { chat_id: "42" }, { chat_id: "42" }]);
  });

  it("keeps a live gateway's updates to it, and hands them to another once its lease ran out", async () => {
    const update = message("lease");
    await a.record([update]);
    expect((await b.claim(100, { takeOver: false })).map((c) => c.update.update_id)).not.toContain(
      update.update_id,
    );
    await ageLeases([update.update_id]);
    const claimed = await b.claim(100, { takeOver: false });
    expect(claimed.map((c) => c.update)).toContainEqual(update);
    // The first gateway, back from a stall, does not take it back by renewing.
    await a.renew([update.update_id]);
    const { rows } = await db.query("SELECT claimed_by, attempts FROM inbox WHERE update_id = $1", [
      update.update_id,
    ]);
    expect(rows).toEqual([{ claimed_by: "gateway-b", attempts: 2 }]);
  });

  it("gives an update up after maxAttempts handlings that never finished", async () => {
    const update = message("poison");
    await a.record([update]);
    for (let i = 1; i < options.maxAttempts; i++) {
      await ageLeases([update.update_id]);
      expect((await b.claim(100, { takeOver: false })).map((c) => c.update)).toContainEqual(update);
    }
    await ageLeases([update.update_id]);
    expect((await b.claim(100, { takeOver: false })).map((c) => c.update)).not.toContainEqual(update);
    expect(await b.abandon()).toContain(update.update_id);
    expect(await b.oldestUnhandledSeconds()).toBeLessThan(60);
  });

  it("two handlings of one update at the same moment: one effect, the same outcome for both", async () => {
    const update = message("/note_add вдвоём");
    await a.record([update]);
    const addNote = (inbox: Inbox) =>
      inbox.once(update, "note", async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          "INSERT INTO notes (user_id, chat_id, text) VALUES (42, 42, 'вдвоём') RETURNING id",
        );
        // Both effects are under way before either stores its outcome.
        await tx.query("SELECT pg_sleep(0.2)");
        return rows[0]?.id as string;
      });
    const [first, second] = await Promise.all([addNote(a), addNote(b)]);
    expect(first).toBe(second);
    const { rows } = await db.query<{ id: string }>("SELECT id FROM notes WHERE text = 'вдвоём'");
    expect(rows).toEqual([{ id: first }]);
    // Handled once more later (a redelivery after a crash): still the same note, no new one.
    expect(await addNote(a)).toBe(first);
    expect((await db.query("SELECT id FROM notes WHERE text = 'вдвоём'")).rows).toHaveLength(1);
  });

  it("an effect of one statement, handled twice at the same moment: one effect, the same outcome for both", async () => {
    const update = message("/note_add одним запросом");
    await a.record([update]);
    // The effect sleeps after taking the update's row, so the other handling's statement is under way.
    const addNote = (inbox: Inbox) =>
      inbox.onceStatement(update, "note", {
        name: "test-note-add-slowly",
        text: `INSERT INTO notes (user_id, chat_id, text) SELECT 42, 42, $1 FROM todo, pg_sleep(0.2)
               RETURNING id::text AS value`,
        values: ["одним запросом"],
      });
    const [first, second] = await Promise.all([addNote(a), addNote(b)]);
    expect(first).toBe(second);
    const { rows } = await db.query<{ id: string }>("SELECT id FROM notes WHERE text = 'одним запросом'");
    expect(rows).toEqual([{ id: first }]);
    expect(await a.results(update.update_id)).toEqual({ note: first });
    expect(await addNote(a)).toBe(first);
    expect((await db.query("SELECT id FROM notes WHERE text = 'одним запросом'")).rows).toHaveLength(1);
  });

  it("an effect of one statement for an update it never saw: recorded, then done once", async () => {
    const update = message("/note_del 1");
    const remove = (inbox: Inbox, value: string) =>
      inbox.onceStatement(update, "note", {
        name: "test-outcome",
        text: "SELECT $1::text AS value FROM todo",
        values: [value],
      });
    expect(await remove(a, "first")).toBe("first");
    expect(await remove(b, "second")).toBe("first");
    expect(await a.results(update.update_id)).toEqual({ note: "first" });
  });

  it("records an update it never saw when its effect is done (it arrived while PostgreSQL was down)", async () => {
    const update = message("/reset");
    expect(await a.once(update, "reset", async () => 3)).toBe(3);
    expect(await b.once(update, "reset", async () => 0)).toBe(3);
    expect(await a.results(update.update_id)).toEqual({ reset: 3 });
  });
});
