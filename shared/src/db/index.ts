import pg from "pg";

export { batched } from "./batched.js";

export type Db = pg.Pool;
/** What a repository runs its SQL on: the pool, or the connection of a transaction under way. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Postgres `bigint` (int8) columns come back as strings; ids stay strings, counts are parsed where used.
 * `asyncCommit`: commits do not wait for the disk (`synchronous_commit = off`), for bookkeeping whose
 * loss in a crash of PostgreSQL itself only repeats work; never for what users' data depends on.
 */
export function createPool(databaseUrl: string, options: { max?: number; asyncCommit?: boolean } = {}): Db {
  return new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 20,
    ...(options.asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
    // Bounds both a new connection and the wait for a free one: an unreachable database fails a
    // command within seconds (a refused connection at once), while bursts still get served.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: "notesbot",
  });
}

/** Runs `work` in one transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
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
    // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
    if (code.startsWith("08") || ["57P01", "57P02", "57P03"].includes(code)) return true;
  }
  return /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}

/**
 * True when PostgreSQL refused the data of a statement (SQLSTATE class 22, data exception, such as a
 * NUL byte in a text; class 23, a constraint): the same statement without that row would succeed.
 */
export function isRefusedData(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}
