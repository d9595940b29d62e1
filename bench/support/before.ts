/**
 * The code before the current rebuild (`--before=<rev>`), built once into a cache directory outside the
 * repository, `~/.cache/notesbot-bench/<full sha>` (or `$XDG_CACHE_HOME/notesbot-bench/…`): the
 * revision's files from `git archive`, then its own `npm ci` and `npm run build`. S1 runs its compiled
 * services against the same fakes as ours, on a database migrated with its own migrations.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./process.js";

const run = promisify(execFile);

/** Written last into a cache directory: its presence means `npm ci` and the build both finished. */
const COMPLETE = ".notesbot-bench-complete";

/** One prepared checkout of an older revision. */
export class Before {
  private constructor(
    readonly sha: string,
    readonly rev: string,
    /** The checkout, ending in "/" like ROOT. */
    readonly root: string,
    /**
     * What its services run with: its package.json's config.nodeFlags, or the config.nodeOptions that
     * revisions before 2026-12-07 passed as NODE_OPTIONS (the same flags), else none (Node's defaults, as
     * its npm scripts and compose file ran them).
     */
    readonly nodeFlags: readonly string[],
  ) {}

  /** Resolves `rev` in the repository the bench runs in and builds it unless the cache has it complete. */
  static async prepare(rev: string): Promise<Before> {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    const sha = git("rev-parse", "--verify", `${rev}^{commit}`);
    const short = git("rev-parse", "--short", sha);
    const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "notesbot-bench");
    const root = join(cache, sha);
    if (!existsSync(join(root, COMPLETE))) {
      console.log(`preparing the code before (${short}) in ${root}: git archive, npm ci, npm run build`);
      const started = Date.now();
      mkdirSync(cache, { recursive: true });
      // Built beside its final place and renamed into it, so an interrupted build is never taken for one
      // (and what one left is removed here).
      for (const name of readdirSync(cache))
        if (name.startsWith(`${sha}.partial-`)) rmSync(join(cache, name), { recursive: true, force: true });
      const partial = `${root}.partial-${process.pid}`;
      mkdirSync(partial);
      try {
        const tar = execFileSync("git", ["archive", "--format=tar", sha], {
          cwd: ROOT,
          maxBuffer: 1 << 30,
        });
        execFileSync("tar", ["-x", "-C", partial], { input: tar });
        await npm(partial, "ci", "--no-audit", "--no-fund");
        await npm(partial, "run", "build");
        writeFileSync(join(partial, COMPLETE), `${sha}\n`);
        rmSync(root, { recursive: true, force: true });
        renameSync(partial, root);
      } catch (error) {
        rmSync(partial, { recursive: true, force: true });
        throw error;
      }
      console.log(`  ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    const { config } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      config?: { nodeFlags?: string; nodeOptions?: string };
    };
    const flags = (config?.nodeFlags ?? config?.nodeOptions ?? "").split(" ").filter((flag) => flag !== "");
    return new Before(sha, short, `${root}/`, flags);
  }

  /** Migrates the database at `databaseUrl` (creating it) with this checkout's migrate CLI and migrations. */
  async migrate(databaseUrl: string): Promise<void> {
    await run(process.execPath, [`${this.root}shared/dist/db/migrate-cli.js`], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
    });
  }
}

/** `npm <args>` in `dir`, without the npm_* variables of the `npm run bench` this runs under. */
async function npm(dir: string, ...args: string[]): Promise<void> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") && name !== "INIT_CWD"),
  );
  try {
    await run("npm", args, { cwd: dir, env, maxBuffer: 64 << 20 });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(" ")} in ${dir} failed:\n${stdout.slice(-4000)}${stderr.slice(-4000)}`);
  }
}
