import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { SERVICE_NODE_FLAGS } from "../../test/support/node-flags.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every child still running; killed when the bench exits, however it exits. */
const running = new Set<ChildProcess>();
export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}
process.on("exit", killAll);

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
  } catch {
    return 100;
  }
})();

let profiles = 0;

/**
 * A knob for investigations, e.g. BENCH_NODE_FLAGS="--max-old-space-size=96": Node's flags for every
 * process the bench starts (the services: in place of the flags they run with).
 */
const BENCH_NODE_FLAGS = process.env.BENCH_NODE_FLAGS?.split(" ").filter((flag) => flag !== "");

/** A Node.js process (a compiled service or a baseline bot) run with the bench's own Node. */
export class Proc {
  /** When set (`--profile`), every process writes a V8 CPU profile there when it exits. */
  static profileDir: string | undefined;

  private output = "";
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    nodeFlags: readonly string[],
    args: string[],
    env: Record<string, string>,
    cwd = tmpdir(),
  ) {
    // Started outside the repository with only the given environment: no developer .env is read.
    const profile = Proc.profileDir
      ? [
          "--cpu-prof",
          `--cpu-prof-dir=${Proc.profileDir}`,
          `--cpu-prof-name=${name}.${Date.now()}.${++profiles}.cpuprofile`,
        ]
      : [];
    this.child = spawn(process.execPath, [...(BENCH_NODE_FLAGS ?? nodeFlags), ...profile, ...args], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        LOG_LEVEL: "info",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(this.child);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        // Only the tail is kept: enough to see why a process failed.
        this.output = (this.output + chunk).slice(-32_768);
        this.child.emit("output");
      });
    }
    this.exited = once(this.child, "exit").then(([code]) => {
      running.delete(this.child);
      return code as number | null;
    });
  }

  /**
   * A compiled service, `services/<name>/dist/main.js`, as production runs it: ours, or that of another
   * checkout at `root` (the code before) with the Node flags it runs with.
   */
  static service(
    name: "gateway" | "worker",
    env: Record<string, string>,
    build: { root: string; nodeFlags: readonly string[] } = { root: ROOT, nodeFlags: SERVICE_NODE_FLAGS },
  ): Proc {
    return new Proc(name, build.nodeFlags, [`${build.root}services/${name}/dist/main.js`], env);
  }

  /** A TypeScript file run through tsx (`node --import tsx file.ts`). */
  static typescript(name: string, file: string, env: Record<string, string>): Proc {
    return new Proc(name, [], ["--import", "tsx", `${ROOT}${file}`], env, ROOT);
  }

  /** Resolves once the output matches `pattern`; rejects when the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(this.output)) return;
        done();
        resolve();
      };
      const fail = (why: string) => () => {
        done();
        reject(new Error(`${this.name} ${why} before printing ${pattern}:\n${this.output}`));
      };
      const onExit = fail("exited");
      const timer = setTimeout(fail(`printed nothing matching in ${timeoutMs} ms`), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.child.off("output", check).off("exit", onExit);
      };
      this.child.on("output", check).once("exit", onExit);
      check();
      if (this.child.exitCode !== null || this.child.signalCode !== null) onExit();
    });
  }

  private status(field: string): number {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
      readFileSync(`/proc/${this.child.pid}/status`, "utf8"),
    );
    return Number(match?.[1] ?? Number.NaN) / 1024;
  }

  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMb(): number {
    return this.status("VmHWM");
  }

  /** CPU time used so far (user + system), in seconds. */
  cpuSeconds(): number {
    return pidCpuSeconds(this.child.pid ?? 0);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 5_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** CPU time (user + system, in seconds) process `pid` has used; 0 when it cannot be read (gone, not ours). */
export function pidCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has spent busy (all cores, all processes) since boot. */
export function machineCpuSeconds(): number {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
  const busy = fields.reduce((sum, v, i) => (i === 3 || i === 4 || i > 7 ? sum : sum + v), 0);
  return busy / CLOCK_TICKS;
}
