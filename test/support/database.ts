import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { adminUrl } from "./global-setup.js";

/** A fresh database copied from the run's migrated template; the run drops it at the end. */
export async function createTestDatabase(): Promise<string> {
  const template = new URL(inject("templateDatabaseUrl"));
  const name = `${inject("runId")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl(template.toString()) });
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template.pathname.slice(1))}`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(template);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A BullMQ prefix no other stack of this run uses. */
export const createQueuePrefix = () => `${inject("runId")}_${randomBytes(4).toString("hex")}`;
