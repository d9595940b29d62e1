/**
 * Backups (infra/backup/backup.sh, the command docker-compose.yml's `backup` service runs), with this
 * machine's PostgreSQL client tools against the real PostgreSQL: a dump of a bot's database restored
 * with the steps of docs/operations.md#backups gives the bot its notes back; the newest seven are kept
 * and a failed or interrupted dump never counts among them; the service dumps at start-up only when the
 * newest dump is over a day old, then every day at BACKUP_AT, tries a failed dump again a little later,
 * and ends on SIGTERM with exit 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { Stack } from "../support/stack.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const SCRIPT = fileURLToPath(new URL("../../infra/backup/backup.sh", import.meta.url));
const TMP = mkdtempSync(join(tmpdir(), "notesbot-backup-"));
/** Scripts started and not yet ended: a failed test must not leave a service sleeping until tomorrow. */
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
  rmSync(TMP, { recursive: true, force: true });
});

const DUMP = /^notesbot-\d{4}-\d\d-\d\dT\d{6}Z\.dump$/;
const newDir = () => mkdtempSync(join(TMP, "backups-"));
const files = (dir: string) => readdirSync(dir).sort();
const dumps = (dir: string) => files(dir).filter((f) => DUMP.test(f));

/** libpq's variables for a database URL, as the compose service sets them. */
function libpq(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  return {
    PGHOST: url.hostname,
    PGPORT: url.port || "5432",
    PGUSER: decodeURIComponent(url.username) || "postgres",
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: url.pathname.slice(1),
  };
}

/** A command run to its end: exit code and everything it printed. */
async function run(command: string, args: string[], env: Record<string, string>) {
  const script = new Script(command, args, env);
  return { code: await script.exited, output: script.output };
}

/** backup.sh (or a PostgreSQL tool) as a process of its own, with only the environment given. */
class Script {
  output = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly events = new EventEmitter();

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.child.stdout, this.child.stderr])
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        this.output += chunk;
        this.events.emit("output");
      });
    running.add(this.child);
    // The script's exit, then its output read to the end; a child of it still holding the pipes (a
    // `sleep` it had no time to kill) must not keep the test waiting, so the output gets 2 s at most.
    const closed = once(this.child, "close");
    this.exited = once(this.child, "exit").then(async ([code]) => {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      running.delete(this.child);
      return code as number | null;
    });
  }

  static backup(args: string[], env: Record<string, string>) {
    return new Script("sh", [SCRIPT, ...args], env);
  }

  /** Resolves once the output matches `pattern` `times` times; rejects when the process ends first. */
  async waitFor(pattern: RegExp, times = 1, timeoutMs = 30_000): Promise<void> {
    const global = new RegExp(pattern.source, "g");
    const deadline = Date.now() + timeoutMs;
    while ((this.output.match(global)?.length ?? 0) < times) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`backup.sh ended before ${pattern}:\n${this.output}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${pattern} in ${timeoutMs} ms:\n${this.output}`);
      await Promise.race([
        once(this.events, "output"),
        this.exited,
        new Promise((resolve) => setTimeout(resolve, left)),
      ]);
    }
  }

  /** Sends `signal`; resolves with the exit code, or rejects (with the output) if it does not end in 30 s. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`backup.sh did not end on ${signal}:\n${this.output}`)),
        30_000,
      );
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Holds an exclusive lock on `notes`, so that a dump of that database waits in the middle. */
async function lockNotes(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE");
  /** pg_dump connections to this database (`waiting`: only those waiting for a lock). */
  const dumpConnections = async (waiting: boolean) => {
    // Inside a transaction pg_stat_activity is read once; each check reads it afresh.
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rowCount } = await client.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = 'pg_dump' AND datname = current_database()${
        waiting ? " AND wait_event_type = 'Lock'" : ""
      }`,
    );
    return rowCount ?? 0;
  };
  return {
    /** Resolves once a pg_dump of this database is waiting for the lock (its output file is open). */
    async untilDumpWaits(): Promise<void> {
      await until(async () => (await dumpConnections(true)) === 1, "pg_dump waiting for the lock");
    },
    async untilDumpGone(): Promise<void> {
      await until(async () => (await dumpConnections(false)) === 0, "pg_dump's connection gone");
    },
    /** Ends the waiting dump's connection: pg_dump fails half-way through. */
    async killDump(): Promise<void> {
      await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pg_dump' AND datname = current_database()",
      );
    },
    async release(): Promise<void> {
      await client.query("ROLLBACK");
      await client.end();
    },
  };
}

/** The rows of one query, on a connection of its own (a pool's idle connections would block a rename). */
async function query(databaseUrl: string, text: string, values: unknown[]): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`no ${what} within ${timeoutMs} ms`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

describe("backups with infra/backup/backup.sh", () => {
  it("restores a dump into a fresh database with the documented steps, and the bot has the notes of the dump's time", async () => {
    const bot = await Stack.start();
    try {
      const user = bot.telegram.newUser("Резерв");
      const kept = "купить молоко\nи хлеб 🙂";
      expect(await bot.say(user, `/note_add ${kept}`)).toEqual([expect.stringMatching(/^Заметка #\d+/)]);
      const [deleted] = await bot.say(user, "/note_add позвонить маме");
      const deletedId = Number(/#(\d+)/.exec(deleted ?? "")?.[1]);
      const dir = newDir();
      const live = libpq(bot.databaseUrl);

      const backup = await run("sh", [SCRIPT, "once"], { ...live, BACKUP_DIR: dir });
      expect(backup.code, backup.output).toBe(0);
      expect(backup.output).toMatch(/backup: wrote \S+notesbot-\S+\.dump \(\d+ bytes\)/);
      const [file] = dumps(dir);
      expect(files(dir)).toEqual([file]);

      // After the dump: one note deleted by mistake, one added.
      expect(await bot.say(user, `/note_del ${deletedId}`)).toEqual([`Заметка #${deletedId} удалена.`]);
      await bot.say(user, "/note_add после резервной копии");
      const keptRow = await query(bot.databaseUrl, "SELECT * FROM notes WHERE text = $1", [kept]);

      // docs/operations.md, "Restore a dump": into a new database, then swapped in while the bot is stopped.
      // (Every database name here starts with the run's id: the run drops them at the end.)
      const name = live.PGDATABASE ?? "";
      const restore = `${name}_restore`;
      const created = await run("createdb", ["--template=template0", restore], live);
      expect(created.code, created.output).toBe(0);
      const restored = await run(
        "pg_restore",
        ["--exit-on-error", "--no-owner", `--dbname=${restore}`, join(dir, file ?? "")],
        live,
      );
      expect(restored.code, restored.output).toBe(0);
      expect(await bot.gateway.stop()).toBe(0);
      const swapped = await run(
        "psql",
        [
          "--dbname=postgres",
          "-v",
          "ON_ERROR_STOP=1",
          "-c",
          `ALTER DATABASE ${name} RENAME TO ${name}_before_restore`,
          "-c",
          `ALTER DATABASE ${restore} RENAME TO ${name}`,
        ],
        live,
      );
      expect(swapped.code, swapped.output).toBe(0);
      await bot.startGateway();

      const [list] = await bot.say(user, "/note_list");
      expect(list).toContain(kept);
      expect(list).toContain("позвонить маме");
      expect(list).not.toContain("после резервной копии");
      expect(await bot.say(user, "/note_count")).toEqual(["У вас 2 заметки."]);
      // The kept note is the same row (number, time); the numbering goes on after the dump's.
      expect(await query(bot.databaseUrl, "SELECT * FROM notes WHERE text = $1", [kept])).toEqual(keptRow);
      const [added] = await bot.say(user, "/note_add снова после восстановления");
      expect(Number(/#(\d+)/.exec(added ?? "")?.[1])).toBeGreaterThan(deletedId);
    } finally {
      expect(await bot.stop()).toEqual([0]);
    }
  }, 120_000);

  it("keeps the newest seven dumps, and a dump that fails half-way leaves no file and removes none", async () => {
    const databaseUrl = await createTestDatabase();
    const env = { ...libpq(databaseUrl), BACKUP_DIR: newDir() };
    const dir = env.BACKUP_DIR;
    const first = await run("sh", [SCRIPT, "once"], env);
    expect(first.code, first.output).toBe(0);
    const [real] = dumps(dir);
    rmSync(join(dir, real ?? ""));
    // Seven older dumps (of this database) and an operator's own copy, which is not the script's to remove.
    const older = [1, 2, 3, 4, 5, 6, 7].map((day) => `notesbot-2026-01-0${day}T030000Z.dump`);
    for (const name of older) writeFileSync(join(dir, name), "");
    writeFileSync(join(dir, "copy-before-upgrade.dump"), "");
    const listing = files(dir);

    const lock = await lockNotes(databaseUrl);
    const failing = Script.backup(["once"], env);
    try {
      await lock.untilDumpWaits();
      expect(files(dir).some((f) => f.startsWith(".notesbot-") && f.endsWith(".partial"))).toBe(true);
      await lock.killDump();
      expect(await failing.exited, failing.output).toBe(1);
    } finally {
      await lock.release();
    }
    expect(failing.output).toMatch(/backup: FAILED: pg_dump exited with 1/);
    expect(files(dir)).toEqual(listing);

    const next = await run("sh", [SCRIPT, "once"], env);
    expect(next.code, next.output).toBe(0);
    const [newest, ...rest] = [...dumps(dir)].reverse();
    expect(newest).not.toBe(older.at(-1));
    expect(rest.reverse()).toEqual(older.slice(1));
    expect(files(dir)).toContain("copy-before-upgrade.dump");
    expect(next.output).toContain(`removed ${older[0]} (keeping the newest 7)`);

    // BACKUP_KEEP sets how many.
    const fewer = await run("sh", [SCRIPT, "once"], { ...env, BACKUP_KEEP: "2" });
    expect(fewer.code, fewer.output).toBe(0);
    expect(dumps(dir)).toHaveLength(2);
    expect(dumps(dir)).toContain(newest);
  });

  it("as a service: a dump that fails (PostgreSQL unreachable) is tried again BACKUP_RETRY_SECONDS later, up to 3 times more", async () => {
    const databaseUrl = await createTestDatabase();
    const target = new URL(databaseUrl);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    try {
      proxy.block();
      const dir = newDir();
      const env = { ...libpq(databaseUrl), PGPORT: String(proxy.port), BACKUP_DIR: dir };

      // Down for good: four tries, then the next BACKUP_AT.
      const down = Script.backup([], { ...env, BACKUP_AT: "03:00", BACKUP_RETRY_SECONDS: "1" });
      await down.waitFor(/next dump at 03:00 UTC, in \d+ s/);
      expect(down.output.match(/backup: FAILED: pg_dump exited with 1/g)).toHaveLength(4);
      expect(down.output).toContain("trying again in 1 s (try 4 of 4)");
      expect(dumps(dir)).toEqual([]);
      expect(await down.stop("SIGTERM")).toBe(0);

      // Back after the first failure: the second try writes the dump.
      const back = Script.backup([], { ...env, BACKUP_AT: "03:00", BACKUP_RETRY_SECONDS: "2" });
      await back.waitFor(/trying again in 2 s \(try 2 of 4\)/);
      proxy.unblock();
      await back.waitFor(/next dump at 03:00 UTC, in \d+ s/);
      expect(back.output.match(/backup: FAILED/g)).toHaveLength(1);
      expect(dumps(dir)).toHaveLength(1);
      expect(await back.stop("SIGTERM")).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it("as a service: dumps at start-up only when the newest dump is over a day old, then at BACKUP_AT; SIGTERM ends it with exit 0", async () => {
    const databaseUrl = await createTestDatabase();
    const dir = newDir();
    const env = { ...libpq(databaseUrl), BACKUP_DIR: dir };

    // No dump yet: one at start-up, then it waits for BACKUP_AT.
    const first = Script.backup([], { ...env, BACKUP_AT: "03:00" });
    await first.waitFor(/next dump at 03:00 UTC, in \d+ s/);
    expect(first.output).toContain(`every day at 03:00 UTC into ${dir}, the newest 7 kept`);
    expect(dumps(dir)).toHaveLength(1);
    expect(await first.stop("SIGTERM")).toBe(0);

    // A dump less than a day old: none at start-up, one at BACKUP_AT (the next whole minute at least
    // 10 s away, in UTC, chosen once the start-up dump is behind us so that it cannot be missed).
    const at = new Date(Math.ceil((Date.now() + 10_000) / 60_000) * 60_000);
    const hhmm = at.toISOString().slice(11, 16);
    const service = Script.backup([], { ...env, BACKUP_AT: hhmm });
    await service.waitFor(/next dump at \d\d:\d\d UTC, in \d+ s/);
    expect(service.output).toContain("the newest dump is less than a day old: none at start-up");
    expect(dumps(dir)).toHaveLength(1);
    await service.waitFor(/backup: wrote /, 1, 120_000);
    await service.waitFor(/next dump at \d\d:\d\d UTC, in \d+ s/, 2);
    const delay = Number(/in (\d+) s\s*$/.exec(service.output.trim())?.[1]);
    // Tomorrow at the same time (less the seconds the dump took).
    expect(delay).toBeGreaterThan(86_400 - 120);
    expect(delay).toBeLessThanOrEqual(86_400);
    expect(dumps(dir)).toHaveLength(2);
    expect(await service.stop("SIGTERM")).toBe(0);
    expect(service.output).toMatch(/backup: stopped\s*$/);

    // Started after a day without dumps (the machine was off at BACKUP_AT): one at once.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const [i, name] of dumps(dir).entries()) {
      const old = join(dir, `notesbot-2026-01-0${i + 1}T030000Z.dump`);
      renameSync(join(dir, name), old);
      utimesSync(old, twoDaysAgo, twoDaysAgo);
    }
    const late = Script.backup([], { ...env, BACKUP_AT: "03:00" });
    await late.waitFor(/next dump at 03:00 UTC/);
    expect(late.output).toMatch(/backup: wrote /);
    expect(dumps(dir)).toHaveLength(3);
    expect(await late.stop()).toBe(0);

    // SIGTERM in the middle of a dump: exit 0, the dump abandoned, no file left.
    rmSync(join(dir, dumps(dir).at(-1) ?? ""));
    const listing = files(dir);
    const lock = await lockNotes(databaseUrl);
    const interrupted = Script.backup([], { ...env, BACKUP_AT: "03:00" });
    try {
      await lock.untilDumpWaits();
      expect(await interrupted.stop("SIGTERM"), interrupted.output).toBe(0);
      await lock.untilDumpGone();
    } finally {
      await lock.release();
    }
    expect(files(dir)).toEqual(listing);
  }, 300_000); // more than the waits inside add up to, so a failure names the step it stopped at

  it("refuses a BACKUP_AT, BACKUP_KEEP or BACKUP_RETRY_SECONDS it cannot read, saying which", async () => {
    const env = { ...libpq(await createTestDatabase()), BACKUP_DIR: newDir() };
    const badTime = await run("sh", [SCRIPT], { ...env, BACKUP_AT: "24:00" });
    expect(badTime.code).toBe(2);
    expect(badTime.output).toContain("BACKUP_AT must be HH:MM (UTC, 00:00 to 23:59), not '24:00'");
    const badKeep = await run("sh", [SCRIPT, "once"], { ...env, BACKUP_KEEP: "0" });
    expect(badKeep.code).toBe(2);
    expect(badKeep.output).toContain("BACKUP_KEEP must be a whole number of at least 1, not '0'");
    const badRetry = await run("sh", [SCRIPT], { ...env, BACKUP_RETRY_SECONDS: "1m" });
    expect(badRetry.code).toBe(2);
    expect(badRetry.output).toContain("BACKUP_RETRY_SECONDS must be a whole number of at least 1, not '1m'");
    expect(files(env.BACKUP_DIR)).toEqual([]);
  });
});
