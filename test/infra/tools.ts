/**
 * What the infrastructure checks share: the repository's paths, a temporary folder per test file, and
 * running the external tools that do the checking (`promtool`, `docker-compose`, python3's PyYAML).
 * Nothing is written inside the repository.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const repo = (path: string) => join(ROOT, path);

/** A temporary folder for this test file, removed after it. */
export function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "notesbot-infra-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Run {
  status: number;
  output: string;
}

/** Runs a tool; never throws, so a failing tool shows its own output in the assertion message. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Run {
  try {
    const stdout = execFileSync(command, args, { ...options, encoding: "utf8", stdio: "pipe" });
    return { status: 0, output: stdout };
  } catch (error) {
    const e = error as { status?: number | null; stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message;
    return { status: typeof e.status === "number" ? e.status : -1, output: `${command}: ${output}` };
  }
}

const PY_YAML_TO_JSON =
  "import json, sys, yaml\nwith open(sys.argv[1]) as f:\n    json.dump(yaml.safe_load(f), sys.stdout)";

/** Reads a YAML file with python3's PyYAML (a dependency of Debian's docker-compose). */
export function readYaml<T>(path: string): T {
  const result = run("python3", ["-c", PY_YAML_TO_JSON, path]);
  if (result.status !== 0)
    throw new Error(`cannot read ${path} as YAML (needs python3-yaml): ${result.output}`);
  return JSON.parse(result.output) as T;
}

/** Writes `content` (a string, or JSON — which is YAML too) into `dir`; returns its path. */
export function writeTemp(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

export interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
}
export interface PrometheusConfig {
  global: { scrape_interval: string };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}
export const PROMETHEUS_YML = repo("infra/prometheus/prometheus.yml");
/** Prometheus' configuration: what it scrapes (the compose checks match it against the services). */
export const readPrometheusConfig = () => readYaml<PrometheusConfig>(PROMETHEUS_YML);
