import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrateUp } from "../../shared/src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated database to copy (CREATE DATABASE … TEMPLATE) for each stack of services. */
    templateDatabaseUrl: string;
    /** Prefix of every database and BullMQ prefix this run creates. */
    runId: string;
    redisUrl: string;
  }
}

export const adminUrl = (databaseUrl: string) => {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
};

/**
 * Once per run: migrate a template database with the real migrations. Stacks copy it, so each test
 * file has a database of its own; everything this run created is dropped at the end, nothing else.
 */
export default async function setup(project: TestProject) {
  const runId = `notesbot_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const base = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const template = new URL(base);
  template.pathname = `/${runId}_template`;
  await migrateUp(template.toString());
  project.provide("templateDatabaseUrl", template.toString());
  project.provide("runId", runId);
  project.provide("redisUrl", redisUrl);

  return async () => {
    // A run leaves a database per stack (dozens): dropped four at a time (each drop waits for a
    // checkpoint and removes the database's files), so the run ends seconds sooner than one by one.
    const admin = new pg.Pool({ connectionString: adminUrl(base), max: 4 });
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${runId}%`],
    );
    await Promise.all(
      rows.map(({ datname }) => admin.query(`DROP DATABASE ${pg.escapeIdentifier(datname)} WITH (FORCE)`)),
    );
    await admin.end();

    const redis = new Redis(redisUrl);
    for await (const keys of redis.scanStream({ match: `${runId}*`, count: 1000 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
    redis.disconnect();
  };
}
