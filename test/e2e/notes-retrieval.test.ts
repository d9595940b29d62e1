/** Retrieval for /ask_notes against the real PostgreSQL and the real migrations: what a question finds. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNotesRetrieval,
  type NotesRetrieval,
} from "../../services/gateway/src/features/notes/retrieval.js";
import { createTestDatabase } from "../support/database.js";

let db: pg.Pool;
let retrieval: NotesRetrieval;
let nextUser = 7_000_000;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await createTestDatabase(), max: 2 });
  retrieval = createNotesRetrieval(db);
});

afterAll(async () => {
  await db.end();
});

/** A user of their own with these notes; returns the user id and the notes' ids in order. */
async function userWith(...texts: string[]): Promise<{ userId: number; ids: string[] }> {
  const userId = nextUser++;
  const ids: string[] = [];
  for (const text of texts) {
    const { rows } = await db.query<{ id: string }>(
      "INSERT INTO notes (user_id, chat_id, text) VALUES ($1, $1, $2) RETURNING id",
      [userId, text],
    );
    ids.push(rows[0]?.id as string);
  }
  return { userId, ids };
}

const found = async (userId: number, question: string, options = {}) =>
  (await retrieval.relevant(userId, question, options)).map((n) => n.id);

describe("notes retrieval", () => {
  it("finds a Russian note by another form of its words, among the question's extra words", async () => {
    const { userId, ids } = await userWith("купил молоко в пятницу", "позвонить маме вечером");
    expect(await found(userId, "когда я покупал молоко?")).toEqual([ids[0]]);
  });

  it("finds an English note by another form of its words", async () => {
    const { userId, ids } = await userWith("Bought fresh apples at the market", "Call the dentist");
    expect(await found(userId, "where do I buy apples?")).toEqual([ids[0]]);
    expect(await found(userId, "when is my dentist calling?")).toEqual([ids[1]]);
  });

  it("ranks the note that matches more of the question first", async () => {
    const { userId, ids } = await userWith("молоко", "молоко и хлеб купить в магазине у дома", "хлеб свежий");
    const result = await found(userId, "где купить молоко и хлеб?");
    expect(result[0]).toBe(ids[1]);
    expect(result).toHaveLength(3);
  });

  it("finds a misspelt word through trigrams", async () => {
    const { userId, ids } = await userWith("молоко закончилось", "кофе");
    expect(await found(userId, "молокко")).toEqual([ids[0]]);
  });

  it("finds nothing for a question unrelated to any note, or made of stop words only", async () => {
    const { userId } = await userWith("купил молоко в пятницу", "когда-нибудь съездить на море");
    expect(await found(userId, "расписание поездов")).toEqual([]);
    expect(await found(userId, "а когда и где?")).toEqual([]);
    expect(await found(userId, "?!")).toEqual([]);
  });

  it("never returns another user's notes, even when they share every word", async () => {
    const alice = await userWith("пароль от wifi: рыба-меч", "рецепт борща");
    const bob = await userWith("пароль от wifi у соседа", "рецепт блинов");
    expect(await found(alice.userId, "какой пароль от wifi и рецепт?")).toEqual(
      expect.arrayContaining([alice.ids[0], alice.ids[1]]),
    );
    expect(await found(alice.userId, "какой пароль от wifi и рецепт?")).toHaveLength(2);
    expect(await found(bob.userId, "какой пароль от wifi и рецепт?")).toEqual(
      expect.arrayContaining([bob.ids[0], bob.ids[1]]),
    );
    expect(await found(bob.userId, "какой пароль от wifi и рецепт?")).toHaveLength(2);
  });

  it("takes %, quotes, websearch operators and SQL in a question as plain words", async () => {
    const { userId, ids } = await userWith("100% молоко", "notes table backup");
    expect(await found(userId, "'; DROP TABLE notes; --")).toEqual([ids[1]]);
    expect(await found(userId, '100% "молоко" -кефир or')).toEqual([ids[0]]);
    expect(await found(userId, "%_\\")).toEqual([]);
    const { rows } = await db.query("SELECT count(*)::int AS n FROM notes WHERE user_id = $1", [userId]);
    expect(rows[0]?.n).toBe(2);
  });

  it("sends the best notes that fit the character budget, skipping one too long for what is left", async () => {
    const { userId, ids } = await userWith(
      `кварц ${"а".repeat(3000)}`,
      `кварц кварц ${"б".repeat(500)}`,
      `кварц ${"в".repeat(400)}`,
      "кварц",
    );
    const chosen = await retrieval.relevant(userId, "кварц", { budgetChars: 1000 });
    expect(chosen.reduce((sum, n) => sum + n.text.length, 0)).toBeLessThanOrEqual(1000);
    expect(chosen.map((n) => n.id)).not.toContain(ids[0]);
    expect(chosen.map((n) => n.id)).toEqual(expect.arrayContaining([ids[1], ids[3]]));
    expect(await found(userId, "кварц", { maxNotes: 2 })).toHaveLength(2);
  });
});
