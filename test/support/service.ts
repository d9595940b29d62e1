import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A compiled service (`node services/<name>/dist/main.js`) running as its own process, as in production. */
export class ServiceProcess {
  output = "";
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(name: "gateway" | "worker", env: Record<string, string>) {
    this.child = spawn(process.execPath, [`${ROOT}services/${name}/dist/main.js`], {
      // Started outside the repository, with only what the test gives: no developer .env, no inherited secrets.
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        this.output += chunk;
      });
    }
    this.exited = once(this.child, "exit").then(([code]) => code as number | null);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Resolves with the exit code when the process ends by itself. */
  exit(): Promise<number | null> {
    return this.exited;
  }
}
