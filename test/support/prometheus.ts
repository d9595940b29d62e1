import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";

export interface PrometheusTarget {
  job: string;
  /** host:port of the /metrics endpoint */
  address: string;
}

/**
 * Debian's `prometheus` binary on 127.0.0.1 and a free port, scraping the given targets every second,
 * with the repository's alerting rules loaded; its data lives in a temporary folder removed on stop.
 */
export class Prometheus {
  private output = "";

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.output += chunk;
    });
  }

  static async start(targets: PrometheusTarget[], ruleFiles: string[]): Promise<Prometheus> {
    const dir = await mkdtemp(join(tmpdir(), "notesbot-prometheus-"));
    const config = {
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: ruleFiles,
      scrape_configs: targets.map((t) => ({ job_name: t.job, static_configs: [{ targets: [t.address] }] })),
    };
    // JSON is YAML: no YAML library needed.
    await writeFile(join(dir, "prometheus.yml"), JSON.stringify(config));
    const port = await freePort();
    const child = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const prometheus = new Prometheus(`http://127.0.0.1:${port}`, child, dir);
    await prometheus.waitForLog(/Server is ready to receive web requests/);
    return prometheus;
  }

  private waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(this.output)) return;
        cleanup();
        resolve();
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`prometheus exited:\n${this.output}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`prometheus not ready in ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stderr?.off("data", check);
        this.child.off("exit", onExit);
      };
      this.child.stderr?.on("data", check);
      this.child.once("exit", onExit);
      check();
    });
  }

  /** An instant query through the HTTP API; resolves with the result vector. */
  async query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown } };
    if (body.status !== "success") throw new Error(`query failed: ${expr}: ${body.error}`);
    return body.data?.result as { metric: Record<string, string>; value: [number, string] }[];
  }

  async rules(): Promise<{ name: string; health: string }[]> {
    const body = (await (await fetch(`${this.url}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    return body.data.groups.flatMap((g) => g.rules);
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    if (this.child.exitCode === null) await once(this.child, "exit");
    await rm(this.dir, { recursive: true, force: true });
  }
}
