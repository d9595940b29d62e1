/**
 * The inbox table (migrations/…_inbox.sql): every update the gateway took from Telegram, who handles it
 * under which lease, whether its handler finished, and what its effects produced. All its SQL is here
 * (its record also reads the senders' chosen languages, which every handling needs first).
 */
import { batched, type Db, isDatabaseUnavailable, releaseAfter, storableJson } from "@notesbot/shared/db";
import type { Locale } from "@notesbot/shared/domain";
import type { Update } from "grammy/types";
import type pg from "pg";

/** What a claimed row brings back to be handled again. */
export interface ClaimedUpdate {
  update: Update;
  results: Results;
}

/**
 * `db` carries what must survive anything (the record of an update, effects with their outcomes);
 * `bookkeeping`, a pool whose commits do not wait for the disk, the marks whose loss in a crash of
 * PostgreSQL itself only means an update is handled once more (its effects still once).
 */
export function createInbox(db: Db, bookkeeping: Db, options: InboxOptions) {
  const { owner } = options;
  const leaseSeconds = options.leaseMs / 1000;

  // The statements run for every update are named: each connection prepares them once. Each new
  // row comes back with its sender's chosen language (user_settings), which every handling reads
  // first: one round trip instead of two for a sender the gateway has not seen for a while.
  const insertRow = (client: Db, rows: Row[]) =>
    client.query<{ update_id: string; sender_id: string | null; locale: Locale | null }>({
      name: "inbox-record",
      text: `WITH r AS (
               SELECT * FROM jsonb_to_recordset($1::jsonb)
                 AS r(update_id bigint, chat_id bigint, sender_id bigint, payload jsonb)),
             recorded AS (
               INSERT INTO inbox (update_id, chat_id, payload, claimed_by, claimed_until)
               SELECT r.update_id, r.chat_id, r.payload, $2, now() + make_interval(secs => $3) FROM r
               ON CONFLICT (update_id) DO NOTHING
               RETURNING update_id)
             SELECT recorded.update_id, r.sender_id, s.locale
             FROM recorded JOIN r USING (update_id)
             LEFT JOIN user_settings s ON s.user_id = r.sender_id`,
      // A NUL in a message (which jsonb refuses) is recorded replaced.
      values: [storableJson(rows), owner, leaseSeconds],
    });

  // Outcomes remembered and handled marks: nobody waits for them, so one statement gathers those of
  // BOOKKEEPING_LINGER_MS (under load, of the statement before it) for every update they concern.
  const bookkeep = batched(
    async (items: Bookkeeping[]) => {
      const rows = new Map<number, { update_id: number; patch: Results; handled: boolean }>();
      for (const { updateId, patch, handled } of items) {
        const row = rows.get(updateId) ?? { update_id: updateId, patch: {}, handled: false };
        rows.set(updateId, { ...row, patch: { ...row.patch, ...patch }, handled: row.handled || handled });
      }
      await bookkeeping.query({
        name: "inbox-bookkeeping",
        text: `UPDATE inbox SET result = inbox.result || p.patch,
                 handled_at = CASE WHEN p.handled THEN coalesce(inbox.handled_at, now()) ELSE inbox.handled_at END
               FROM jsonb_to_recordset($1::jsonb) AS p(update_id bigint, patch jsonb, handled boolean)
               WHERE inbox.update_id = p.update_id`,
        values: [JSON.stringify([...rows.values()])],
      });
      return undefined;
    },
    { lingerMs: BOOKKEEPING_LINGER_MS },
  );

  return {
    /**
     * Records a batch, claimed by this gateway; resolves with the ids that were new. An id already
     * there is a re-delivery: whoever recorded it handles it.
     */
    async record(updates: readonly Update[]): Promise<Set<number>> {
      if (updates.length === 0) return new Set();
      const readAt = Date.now();
      const { rows } = await insertRow(db, updates.map(toRow));
      for (const row of rows)
        if (row.sender_id !== null) options.senderLocale?.(Number(row.sender_id), row.locale, readAt);
      return new Set(rows.map((r) => Number(r.update_id)));
    },

    /**
     * Claims up to `limit` unhandled updates, oldest first: those whose lease ran out, and with
     * `takeOver` also those another (dead) gateway still holds. Rows tried `maxAttempts` times are left
     * to `abandon`.
     */
    async claim(limit: number, { takeOver }: { takeOver: boolean }): Promise<ClaimedUpdate[]> {
      const { rows } = await db.query<{ update_id: string; payload: Update; result: Results }>(
        `UPDATE inbox SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2),
                          attempts = attempts + 1
         WHERE update_id IN (
           SELECT update_id FROM inbox
           WHERE handled_at IS NULL AND attempts < $3
             AND (claimed_until < now() OR ($4 AND claimed_by <> $1))
           ORDER BY update_id LIMIT $5
           FOR UPDATE SKIP LOCKED)
         RETURNING update_id, payload, result`,
        [owner, leaseSeconds, options.maxAttempts, takeOver, limit],
      );
      return rows
        .sort((a, b) => Number(a.update_id) - Number(b.update_id))
        .map((r) => ({ update: r.payload, results: r.result }));
    },

    /**
     * Whether an earlier update of `chatId` is still being handled by another gateway (unhandled, its
     * lease live): this one's turn has not come (two gateways behind one webhook). A dead gateway's
     * update is not waited for: its lease runs out.
     */
    async earlierElsewhere(chatId: number, updateId: number): Promise<boolean> {
      const { rows } = await bookkeeping.query<{ waiting: boolean }>({
        name: "inbox-earlier-elsewhere",
        text: `SELECT EXISTS (
                 SELECT 1 FROM inbox
                 WHERE chat_id = $1 AND update_id < $2 AND handled_at IS NULL
                   AND claimed_by <> $3 AND claimed_until > now()) AS waiting`,
        values: [chatId, updateId, owner],
      });
      return rows[0]?.waiting ?? false;
    },

    /** Extends this gateway's leases on the updates it is handling. */
    async renew(updateIds: readonly number[]): Promise<void> {
      if (updateIds.length === 0) return;
      await bookkeeping.query(
        `UPDATE inbox SET claimed_until = now() + make_interval(secs => $3)
         WHERE update_id = ANY($1::bigint[]) AND handled_at IS NULL AND claimed_by = $2`,
        [updateIds, owner, leaseSeconds],
      );
    },

    /**
     * Marks the update handled; resolves once that is stored. Written with the outcomes remembered
     * meanwhile, so a busy gateway writes far fewer statements than one per update.
     */
    markHandled: (updateId: number): Promise<void> => bookkeep({ updateId, patch: {}, handled: true }),

    /** Gives up on updates whose handling was started `maxAttempts` times and never finished. */
    async abandon(): Promise<number[]> {
      const { rows } = await db.query<{ update_id: string }>(
        `UPDATE inbox SET handled_at = now(), result = result || '{"abandoned": true}'
         WHERE handled_at IS NULL AND attempts >= $1 AND claimed_until < now()
         RETURNING update_id`,
        [options.maxAttempts],
      );
      return rows.map((r) => Number(r.update_id));
    },

    /**
     * Deletes the rows handled more than `keepHandledMs` ago among the 1000 oldest (update ids grow
     * with time, so the primary key finds them without an index of its own to maintain).
     */
    async purge(): Promise<number> {
      const { rowCount } = await db.query(
        `DELETE FROM inbox WHERE update_id IN (SELECT update_id FROM inbox ORDER BY update_id LIMIT 1000)
           AND handled_at < now() - make_interval(secs => $1)`,
        [options.keepHandledMs / 1000],
      );
      return rowCount ?? 0;
    },

    /** Seconds since the oldest unhandled update was recorded; 0 when there is none. */
    async oldestUnhandledSeconds(): Promise<number> {
      const { rows } = await db.query<{ age: number | null }>(
        `SELECT extract(epoch FROM now() - min(received_at))::float8 AS age
         FROM inbox WHERE handled_at IS NULL`,
      );
      return rows[0]?.age ?? 0;
    },

    /** The stored outcomes of the update's effects; undefined when it is not in the inbox. */
    async results(updateId: number): Promise<Results | undefined> {
      const { rows } = await db.query<{ result: Results }>("SELECT result FROM inbox WHERE update_id = $1", [
        updateId,
      ]);
      return rows[0]?.result;
    },

    /**
     * Stores the outcome of an effect outside PostgreSQL (a message sent); written with the handled
     * marks. Lost only with PostgreSQL itself, which would make a second handling repeat that effect
     * (a second placeholder).
     */
    remember: (updateId: number, step: string, value: Json): Promise<void> =>
      bookkeep({ updateId, patch: { [step]: value }, handled: false }),

    /**
     * Runs `effect` and stores its outcome under `step` in one transaction. The store only succeeds
     * while the outcome is not there yet, so when another handling of the update (here or on another
     * gateway) got there first, or did so before, this one's effect is rolled back and the stored
     * outcome returned. An update missing from the inbox (PostgreSQL could not record it on arrival)
     * is recorded first. Four round trips (BEGIN, the effect, the store, COMMIT): `onceStatement` does
     * an effect of one statement in one.
     */
    async once<T extends Json>(
      update: Update,
      step: string,
      effect: (tx: pg.PoolClient) => Promise<T>,
    ): Promise<T> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const client = await db.connect();
        let failure: unknown;
        try {
          await client.query("BEGIN");
          const value = await effect(client);
          const { rowCount } = await client.query({
            name: "inbox-once",
            text: `UPDATE inbox SET result = result || jsonb_build_object($2::text, $3::jsonb)
                   WHERE update_id = $1 AND NOT (result ? $2)`,
            values: [update.update_id, step, JSON.stringify(value)],
          });
          await client.query(rowCount === 1 ? "COMMIT" : "ROLLBACK");
          if (rowCount === 1) return value;
        } catch (error) {
          failure = error;
          // Dropped rather than rolled back when PostgreSQL does not answer (see releaseAfter).
          if (!isDatabaseUnavailable(error)) await client.query("ROLLBACK").catch(() => {});
          throw error;
        } finally {
          releaseAfter(client, failure);
        }
        const stored = await storedOutcome(update, step);
        if (stored.done) return stored.value as T;
      }
      throw new Error(`update ${update.update_id}: the outcome of "${step}" could not be stored`);
    },

    /**
     * As `once`, for an effect that is one data-modifying statement (see OnceStatement): the effect and
     * the store of its outcome are one statement, one round trip. It takes the update's row first
     * (`FOR UPDATE`, so a concurrent handling of the same update waits for this one's commit and then
     * finds the outcome there); the effect changes something only while that row says the step is to
     * do (its `todo`), and the outcome is stored in the same statement.
     */
    async onceStatement(update: Update, step: string, effect: OnceStatement): Promise<Json> {
      const n = effect.values.length;
      const text = `WITH todo AS (
                      SELECT update_id FROM inbox WHERE update_id = $${n + 1} AND NOT (result ? $${n + 2}::text)
                      FOR UPDATE),
                    effect AS (${effect.text}),
                    outcome AS (SELECT coalesce((SELECT to_jsonb(value) FROM effect LIMIT 1), 'null') AS value),
                    stored AS (
                      UPDATE inbox SET result = inbox.result || jsonb_build_object($${n + 2}::text, outcome.value)
                      FROM todo, outcome WHERE inbox.update_id = todo.update_id
                      RETURNING outcome.value)
                    SELECT value FROM stored`;
      for (let attempt = 0; attempt < 3; attempt++) {
        const { rows } = await db.query<{ value: Json }>({
          name: `inbox-once:${effect.name}`,
          text,
          values: [...effect.values, update.update_id, step],
        });
        if (rows[0] !== undefined) return rows[0].value;
        const stored = await storedOutcome(update, step);
        if (stored.done) return stored.value;
      }
      throw new Error(`update ${update.update_id}: the outcome of "${step}" could not be stored`);
    },
  };

  /**
   * After an effect that was not stored: the outcome another handling stored (`done`), or nothing, the
   * update then recorded when it is missing from the inbox (so that the next attempt can store it).
   */
  async function storedOutcome(update: Update, step: string): Promise<{ done: boolean; value: Json }> {
    const { rows } = await db.query<{ done: boolean; value: Json }>(
      "SELECT result ? $2 AS done, result -> $2 AS value FROM inbox WHERE update_id = $1",
      [update.update_id, step],
    );
    if (rows[0]?.done) return rows[0];
    if (rows.length === 0) await insertRow(db, [toRow(update)]);
    return { done: false, value: null };
  }
}

/**
 * How long a bookkeeping statement waits for others to join it. A crash loses at most this much of
 * marks (those updates are handled again, their effects still once) and adds it to a shutdown.
 */
const BOOKKEEPING_LINGER_MS = 20;

/** A handled mark or outcomes remembered for one update. */
interface Bookkeeping {
  updateId: number;
  patch: Results;
  handled: boolean;
}

/** The sender of an update, whatever its kind (a message's author, who pressed a button). */
function senderIdOf(update: Update): number | undefined {
  for (const [key, value] of Object.entries(update)) {
    if (key === "update_id" || typeof value !== "object" || value === null) continue;
    return (value as { from?: { id?: number } }).from?.id;
  }
  return undefined;
}

/** The chat of an update, whatever its kind (a message, a callback query's message, a member change). */
export function chatIdOf(update: Update): number | undefined {
  for (const [key, value] of Object.entries(update)) {
    if (key === "update_id" || typeof value !== "object" || value === null) continue;
    const item = value as { chat?: { id?: number }; message?: { chat?: { id?: number } } };
    return item.chat?.id ?? item.message?.chat?.id;
  }
  return undefined;
}

const toRow = (update: Update): Row => ({
  update_id: update.update_id,
  chat_id: chatIdOf(update) ?? null,
  sender_id: senderIdOf(update) ?? null,
  payload: update,
});

interface Row {
  update_id: number;
  chat_id: number | null;
  /** Not stored: whose language to read with the record. */
  sender_id: number | null;
  payload: Update;
}

export interface InboxOptions {
  /** This gateway process, as written into the rows it claims. */
  owner: string;
  /** How long a claim holds without being renewed. */
  leaseMs: number;
  /** Handlings started (claims) before an update is given up. */
  maxAttempts: number;
  /** How long handled rows are kept (re-deliveries are recognised while they are). */
  keepHandledMs: number;
  /**
   * Told, for each update recorded new, its sender's chosen language (null: none chosen) as read at
   * `readAt` with the record (the settings' cache takes it; see SettingsRepository.prime).
   */
  senderLocale?: (userId: number, locale: Locale | null, readAt: number) => void;
}

/** A value that survives a round trip through jsonb unchanged. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Results = Record<string, Json>;

/**
 * An effect as one data-modifying SQL statement (parameters `$1`…), run once per update by
 * `onceStatement`. It changes something only for the rows of `todo` (one row while the step is to do,
 * none once it is done): `INSERT … SELECT … FROM todo`, `UPDATE … WHERE … AND EXISTS (SELECT FROM todo)`.
 * Its `RETURNING` gives the outcome as a column `value` (at most one row; none stores null).
 */
export interface OnceStatement {
  /** Names the statement (prepared once per connection): one name, one text. */
  name: string;
  text: string;
  values: readonly unknown[];
}
export type Inbox = ReturnType<typeof createInbox>;
