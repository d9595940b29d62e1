import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrateUp } from "../../shared/src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One database per test run, created from DATABASE_URL's server and migrated with the real migrations,
 * dropped at the end. Tests isolate themselves further with fresh Telegram users.
 */
export default async function setup(project: TestProject) {
  const base = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `notesbot_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const databaseUrl = new URL(base);
  databaseUrl.pathname = `/${name}`;
  await migrateUp(databaseUrl.toString());
  project.provide("databaseUrl", databaseUrl.toString());

  return async () => {
    base.pathname = "/postgres";
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  };
}
