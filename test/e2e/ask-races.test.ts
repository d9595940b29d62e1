/**
 * Races around an answer, against the real PostgreSQL, in process: what two gateways (or a gateway and
 * a worker) do to the same rows at the same moment.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotesRepository } from "../../services/gateway/src/features/notes/repository.js";
import { createConversationStore } from "../../shared/src/conversations/index.js";
import { createTestDatabase } from "../support/database.js";
import { eventually } from "../support/queue.js";

let db: pg.Pool;

/** Resolves once the session `pid` waits for a lock another transaction holds. */
async function waitingOnALock(pid: number) {
  const waits = () =>
    db.query("SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted", [pid]).then((r) => r.rowCount ?? 0);
  expect(await eventually(waits, (n) => n > 0, 10_000)).toBeGreaterThan(0);
}

const pidOf = async (client: pg.PoolClient) =>
  (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid as number;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await createTestDatabase(), max: 4 });
});

afterAll(async () => {
  await db.end();
});

describe("the save button pressed twice at once (two gateways)", () => {
  it("stores one note, and both presses are told its id", async () => {
    const notes = createNotesRepository(db);
    const userId = 4_200_001;
    // Each press saves in its own transaction (its update's `ctx.once`); the first commits while the
    // second waits on the same row.
    const [first, second] = [await db.connect(), await db.connect()];
    try {
      const secondPid = await pidOf(second);
      await first.query("BEGIN");
      await second.query("BEGIN");
      const firstId = await notes.addSaved(userId, userId, "tg-update-1", "❓ вопрос\n\nответ", first);
      const secondId = notes.addSaved(userId, userId, "tg-update-1", "❓ вопрос\n\nответ", second);
      await waitingOnALock(secondPid);
      await first.query("COMMIT");
      expect(await secondId).toBe(firstId);
      await second.query("COMMIT");
    } finally {
      first.release();
      second.release();
    }
    const { rows } = await db.query("SELECT id FROM notes WHERE user_id = $1", [userId]);
    expect(rows).toEqual([{ id: expect.any(String) }]);
  });
});

describe("/reset while an answer is on its way", () => {
  const memory = () => createConversationStore(db, { charBudget: 10_000, idleMs: 3_600_000 });

  it("wins: the exchange asked before it is not remembered when its answer arrives after", async () => {
    const store = memory();
    const chatId = 4_200_002;
    await store.append(chatId, "давний вопрос", "давний ответ", "tg-update-10", Date.now());
    const askedAt = Date.now();
    expect(await store.reset(chatId)).toBe(2);
    // The worker remembers the turn of the question asked before /reset.
    await store.append(chatId, "вопрос до сброса", "ответ после сброса", "tg-update-11", askedAt);
    expect(await store.recent(chatId)).toEqual([]);
    // A question asked after /reset is remembered as usual.
    await store.append(chatId, "новый вопрос", "новый ответ", "tg-update-12", Date.now() + 1);
    expect(await store.recent(chatId)).toEqual([
      { role: "user", content: "новый вопрос" },
      { role: "assistant", content: "новый ответ" },
    ]);
  });

  it("wins when the turn is written while the /reset is being stored", async () => {
    const store = memory();
    const chatId = 4_200_003;
    const askedAt = Date.now() - 1_000;
    const reset = await db.connect();
    try {
      // The /reset's transaction (its update's `ctx.once`) has run, not yet committed.
      await reset.query("BEGIN");
      await store.reset(chatId, reset);
      const written = store.append(chatId, "вопрос до сброса", "ответ", "tg-update-13", askedAt);
      // The write waits for the /reset's lock (in this test's database), then the /reset commits.
      const blocked = () =>
        db
          .query(
            `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE NOT l.granted AND a.datname = current_database()`,
          )
          .then((r) => r.rowCount ?? 0);
      await eventually(blocked, (n) => n > 0, 10_000);
      await reset.query("COMMIT");
      await written;
    } finally {
      reset.release();
    }
    expect(await store.recent(chatId)).toEqual([]);
  });
});
