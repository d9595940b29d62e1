import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { SERVICE_NODE_FLAGS } from "./node-flags.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every service a test file started and has not seen end; killed if the test process exits first. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A compiled service (`node services/<name>/dist/main.js`) running as its own process, as in production. */
export class ServiceProcess {
  output = "";
  private readonly child: ChildProcess;
  private readonly events = new EventEmitter();
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: "gateway" | "worker",
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, `${ROOT}services/${name}/dist/main.js`], {
      // Started outside the repository, with only what the test gives: no developer .env, no inherited secrets.
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        this.output += chunk;
        this.events.emit("output");
      });
    }
    running.add(this.child);
    this.exited = once(this.child, "exit").then(([code]) => {
      running.delete(this.child);
      return code as number | null;
    });
  }

  /** True until the process ends. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Resolves once the output matches `pattern`; rejects if the process exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(this.output)) return;
        cleanup();
        resolve();
      };
      const fail = (why: string) => () => {
        cleanup();
        reject(new Error(`${this.name}: ${why} before ${pattern}:\n${this.output}`));
      };
      const onExit = fail("exited");
      const timer = setTimeout(fail(`no output in ${timeoutMs} ms`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off("output", check);
        this.child.off("exit", onExit);
      };
      this.events.on("output", check);
      this.child.once("exit", onExit);
      check();
      if (this.child.exitCode !== null || this.child.signalCode !== null) onExit();
    });
  }

  /** Base URL of the service's /metrics, /healthz and /readyz, from the port it logged. */
  async metricsUrl(): Promise<string> {
    await this.waitForOutput(/"port":\d+,"msg":"metrics server listening"/);
    const port = /"port":(\d+),"msg":"metrics server listening"/.exec(this.output)?.[1];
    return `http://127.0.0.1:${port}`;
  }

  /** Resolves at the next chunk of output. */
  async nextOutput(): Promise<void> {
    await once(this.events, "output");
  }

  /** Resolves with the exit code when the process ends by itself. */
  exit(): Promise<number | null> {
    return this.exited;
  }
}
