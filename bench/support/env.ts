import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { migrateUp } from "../../shared/src/db/migrate.js";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const withDatabase = (url: string, name: string) => {
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
};

/** Runs `work` with a connection to the server's `postgres` database. */
export async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: withDatabase(DATABASE_URL, "postgres") });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * What one bench run creates outside itself: databases copied from a migrated template and BullMQ
 * prefixes, all named `notesbot_bench_<time>_<hex>…`, so `cleanup()` removes exactly those.
 */
export class BenchEnv {
  readonly runId = `notesbot_bench_${Date.now()}_${randomBytes(3).toString("hex")}`;
  private readonly template = `${this.runId}_template`;

  /** Migrates the template database with the real migrations. */
  async init(): Promise<void> {
    await migrateUp(withDatabase(DATABASE_URL, this.template));
  }

  /**
   * A second template, `<run>_<tag>_template`, migrated by `migrate` (the code before's own migrations);
   * returns its name, for `createDatabase`.
   */
  async addTemplate(tag: string, migrate: (databaseUrl: string) => Promise<void>): Promise<string> {
    const name = `${this.runId}_${tag}_template`;
    await migrate(withDatabase(DATABASE_URL, name));
    return name;
  }

  /** A fresh database copied from a template (by default the one `init()` migrated); returns its URL. */
  async createDatabase(template = this.template): Promise<string> {
    const name = `${this.runId}_${randomBytes(4).toString("hex")}`;
    await withAdmin((admin) =>
      admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`),
    );
    return withDatabase(DATABASE_URL, name);
  }

  queuePrefix(): string {
    return `${this.runId}_${randomBytes(4).toString("hex")}`;
  }

  /** Drops every database and deletes every Redis key this run created. */
  async cleanup(): Promise<void> {
    await withAdmin(async (admin) => {
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`${this.runId.replaceAll("_", "\\_")}%`],
      );
      for (const { datname } of rows)
        await admin.query(`DROP DATABASE ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    });
    const redis = new Redis(REDIS_URL);
    try {
      for await (const keys of redis.scanStream({ match: `${this.runId}*`, count: 1000 })) {
        if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
      }
    } finally {
      redis.disconnect();
    }
  }
}
