import pg from "pg";

export { batched } from "./batched.js";

export type Db = pg.Pool;
/** What a repository runs its SQL on: the pool, or the connection of a transaction under way. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Postgres `bigint` (int8) columns come back as strings; ids stay strings, counts are parsed where used.
 * `asyncCommit`: commits do not wait for the disk (`synchronous_commit = off`), for bookkeeping whose
 * loss in a crash of PostgreSQL itself only repeats work; never for what users' data depends on.
 *
 * `timeoutMs` (DATABASE_TIMEOUT_MS) bounds every statement three ways, so that nothing waits on
 * PostgreSQL for ever, even when it is silently unreachable (packets dropped, no reset): the server
 * cancels a statement that runs longer (`statement_timeout`, SQLSTATE 57014); the client gives up on
 * one that gets no answer at all a second later (`query_timeout`; that connection is then dropped, see
 * `inTransaction`); and the wait for a connection, new or free, by twice it (10 s by default: a burst
 * queues for the pool's connections). TCP keepalive finds a dead idle connection without waiting for
 * the next statement.
 */
export function createPool(
  databaseUrl: string,
  options: { timeoutMs: number; max?: number; asyncCommit?: boolean },
): Db {
  return new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 20,
    ...(options.asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
    statement_timeout: options.timeoutMs,
    query_timeout: options.timeoutMs + 1_000,
    connectionTimeoutMillis: 2 * options.timeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: "notesbot",
  });
}

/**
 * Runs `work` in one transaction on one connection; rolls back on any error. A connection on which a
 * statement went unanswered is dropped instead of going back to the pool (see `releaseAfter`).
 */
export async function inTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let failure: unknown;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    failure = error;
    // A connection about to be dropped is not asked to roll back (it would wait behind the statement
    // left unanswered): PostgreSQL rolls back a transaction whose connection ends.
    if (!isDatabaseUnavailable(error)) await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    releaseAfter(client, failure);
  }
}

/**
 * Gives a checked-out connection back to its pool, or drops it when `failure` says it cannot be
 * trusted: a statement that went unanswered (query_timeout) is still pending on it, and the next
 * statement would wait behind it; a lost connection is of no use either.
 */
export function releaseAfter(client: pg.PoolClient, failure: unknown): void {
  client.release(isDatabaseUnavailable(failure) ? (failure as Error) : undefined);
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EPIPE",
  "EHOSTUNREACH",
]);

/** True when the error means "the database cannot be reached right now", not a bug in a query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (UNAVAILABLE_CODES.has(code)) return true;
    // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now;
    // 57014: a statement cancelled, here by statement_timeout (an overloaded or locked-up server).
    if (code.startsWith("08") || ["57P01", "57P02", "57P03", "57014"].includes(code)) return true;
  }
  // pg's own: no connection in time, a connection lost, a statement unanswered (query_timeout).
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(
    error.message,
  );
}

/**
 * `text` as PostgreSQL can store it: each NUL (which no `text` or `jsonb` value can hold) and each lone
 * half of a surrogate pair (which `jsonb` refuses) replaced by U+FFFD, the replacement character. For
 * text that comes from users or models and must be kept; its length in UTF-16 units stays the same.
 */
export function storableText(text: string): string {
  return text.toWellFormed().replaceAll("\u0000", "\uFFFD");
}

/** JSON.stringify for a `jsonb` parameter, every string in it made storable (see storableText). */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? storableText(v) : v));
}

/**
 * True when PostgreSQL refused the data of a statement (SQLSTATE class 22, data exception, such as a
 * NUL byte in a text; class 23, a constraint): the same statement without that row would succeed.
 */
export function isRefusedData(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}
