/**
 * Races around an answer, against the real PostgreSQL, in process: what two gateways (or a gateway and
 * a worker) do to the same rows at the same moment.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotesRepository } from "../../services/gateway/src/features/notes/repository.js";
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
