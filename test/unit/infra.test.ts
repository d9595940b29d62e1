/**
 * The deployment files: the Grafana dashboard, Prometheus' configuration and alerting rules, the
 * compose stack, the Dockerfile. External tools do the checking wherever one exists:
 * - `promtool` (Debian: `prometheus`) checks the configuration and the rules, and `promtool test rules`
 *   evaluates every dashboard query and every alert against synthetic series;
 * - `docker-compose` (Debian: `docker-compose`; else `docker compose`) validates the compose file;
 * - YAML is read with python3's PyYAML (a dependency of Debian's docker-compose), so the project
 *   needs no YAML library. JSON is YAML, so the files written for promtool are plain JSON.
 * Nothing is written inside the repository: every generated file lives in a temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const repo = (path: string) => join(ROOT, path);
const TMP = mkdtempSync(join(tmpdir(), "notesbot-infra-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

interface Run {
  status: number;
  output: string;
}

/** Runs a tool; never throws, so a failing tool shows its own output in the assertion message. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
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
function readYaml<T>(path: string): T {
  const result = run("python3", ["-c", PY_YAML_TO_JSON, path]);
  if (result.status !== 0)
    throw new Error(`cannot read ${path} as YAML (needs python3-yaml): ${result.output}`);
  return JSON.parse(result.output) as T;
}

function writeTemp(name: string, content: unknown): string {
  const path = join(TMP, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

// ---------------------------------------------------------------------------------------------------
// Grafana dashboard

interface Datasource {
  type?: string;
  uid?: string;
}
interface Target {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  datasource?: Datasource;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: Datasource;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  refresh: string;
  time: { from: string; to: string };
  templating?: { list: unknown[] };
  panels: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(repo("infra/grafana/dashboards/bot-overview.json"), "utf8"),
) as Dashboard;
const panels = dashboard.panels;
const queries = panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel, refId: target.refId ?? "", expr: target.expr ?? "" })),
);
const squash = (expr: string) => expr.replace(/\s+/g, " ").trim();

/** What the dashboard must show: a panel whose queries (together) match every pattern. */
const SUBJECTS: Record<string, RegExp[]> = {
  "updates per second by command": [/sum by \(command\) \(rate\(bot_updates_total\[/],
  "command latency p50 and p95 by command": [
    /histogram_quantile\(0\.5, sum by \(le, command\) \(rate\(bot_command_duration_seconds_bucket\[/,
    /histogram_quantile\(0\.95, sum by \(le, command\) \(rate\(bot_command_duration_seconds_bucket\[/,
  ],
  "ask latency p50, p95, p99 by model": [
    /histogram_quantile\(0\.5, sum by \(le, model\) \(rate\(ask_duration_seconds_bucket\[/,
    /histogram_quantile\(0\.95, sum by \(le, model\) \(rate\(ask_duration_seconds_bucket\[/,
    /histogram_quantile\(0\.99, sum by \(le, model\) \(rate\(ask_duration_seconds_bucket\[/,
  ],
  "ask outcomes per second": [/sum by \(outcome\) \(rate\(ask_duration_seconds_count\[/],
  "OpenRouter requests per second by status": [/sum by \(status\) \(rate\(openrouter_requests_total\[/],
  "OpenRouter error rate": [/openrouter_requests_total\{status!="200"\}/, /or vector\(0\)/, /100 \*/],
  "breaker state by model": [/by \(model\) \(openrouter_breaker_state\)/],
  "queue jobs by state": [/by \(state\) \(ask_queue_jobs\)/],
  "Telegram API errors by method and code": [/sum by \(method, code\) \(rate\(telegram_api_errors_total\[/],
  "resident memory by job/instance": [/by \(job, instance\) \(process_resident_memory_bytes/],
  "CPU by job/instance": [/by \(job, instance\) \(rate\(process_cpu_seconds_total/],
  "updates recorded, handled and handled again": [
    /sum by \(outcome\) \(rate\(intake_updates_recorded_total\[/,
    /sum\(rate\(intake_updates_handled_total\[/,
    /sum\(rate\(intake_updates_rehandled_total\[/,
  ],
  "age of the oldest unhandled update": [/max\(intake_oldest_unhandled_seconds\)/],
  "tokens per model": [/sum by \(model, kind\) \(rate\(openrouter_tokens_total\[/],
  "asks refused by the daily cap": [/rate\(ask_daily_cap_total\[/, /or vector\(0\)/],
  "registry syncs by result": [/sum by \(result\) \(registry_sync_total\)/],
  "unavailable models": [/max\(registry_models_unavailable\)/],
  "notes retrieval latency p50 and p95": [
    /histogram_quantile\(0\.5, sum by \(le\) \(rate\(notes_retrieval_duration_seconds_bucket\[/,
    /histogram_quantile\(0\.95, sum by \(le\) \(rate\(notes_retrieval_duration_seconds_bucket\[/,
  ],
  "notes found per question": [/rate\(notes_retrieved_sum\[/, /rate\(notes_retrieved_count\[/],
  "digests per minute": [/rate\(notes_digests_total\[/],
};

describe("Grafana dashboard infra/grafana/dashboards/bot-overview.json", () => {
  it("is the provisioned 'Bot overview': uid, last hour, 10 s refresh, no template variables", () => {
    expect(dashboard.title).toBe("Bot overview");
    expect(dashboard.uid).toBe("bot-overview");
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.time).toEqual({ from: "now-1h", to: "now" });
    expect(dashboard.refresh).toBe("10s");
    expect(dashboard.templating?.list ?? []).toEqual([]);
    expect(panels.length).toBeGreaterThanOrEqual(Object.keys(SUBJECTS).length);
  });

  it("has panels that each query Prometheus and say what they show", () => {
    const ids = new Set<number>();
    for (const panel of panels) {
      const where = `panel ${panel.id} "${panel.title}"`;
      expect(ids.has(panel.id), `${where}: duplicate id`).toBe(false);
      ids.add(panel.id);
      expect(["timeseries", "stat"], where).toContain(panel.type);
      expect(panel.title.trim(), where).not.toBe("");
      expect(panel.description?.trim() ?? "", `${where}: description`).not.toBe("");
      expect(panel.datasource, where).toEqual({ type: "prometheus", uid: "prometheus" });
      expect(panel.gridPos.x + panel.gridPos.w, `${where}: fits in 24 columns`).toBeLessThanOrEqual(24);
      const targets = panel.targets ?? [];
      expect(targets.length, `${where}: targets`).toBeGreaterThan(0);
      const refIds = targets.map((t) => t.refId);
      expect(new Set(refIds).size, `${where}: refIds unique`).toBe(targets.length);
      for (const target of targets) {
        expect(target.refId ?? "", where).toMatch(/^[A-Z]$/);
        expect(target.expr?.trim() ?? "", `${where} ${target.refId}: expr`).not.toBe("");
        expect(typeof target.legendFormat, `${where} ${target.refId}: legendFormat`).toBe("string");
        if (target.datasource) expect(target.datasource, where).toEqual(panel.datasource);
      }
    }
  });

  it("uses $__rate_interval for every range and no other variable", () => {
    for (const { panel, refId, expr } of queries) {
      const where = `panel ${panel.id} ${refId}: ${expr}`;
      expect(expr.match(/\$\{?\w+/g) ?? [], where).toSatisfy((vars: string[]) =>
        vars.every((v) => v === "$__rate_interval"),
      );
      expect(expr.match(/\[[^\]]*\]/g) ?? [], where).toSatisfy((ranges: string[]) =>
        ranges.every((r) => r === "[$__rate_interval]"),
      );
    }
  });

  it.each(Object.entries(SUBJECTS))("shows %s", (_subject, patterns) => {
    const matching = panels.filter((panel) => {
      const exprs = (panel.targets ?? []).map((t) => squash(t.expr ?? "")).join("\n");
      return patterns.every((pattern) => pattern.test(exprs));
    });
    expect(
      matching.map((p) => p.title),
      `no panel matches ${patterns.join(" and ")}`,
    ).not.toEqual([]);
  });

  /**
   * Every query as an alert `count((query) >= 0) > 0`: it fires exactly when the query returns at least
   * one sample that is a number (NaN fails `>= 0`). `$__rate_interval` becomes 1m, Grafana's value for a
   * 15 s scrape interval (4 × scrape interval).
   */
  function queriesReturnSamples(
    name: string,
    series: Record<string, string>,
    cases: { name: string; expr: string; returns: boolean }[],
  ): Run {
    const rules = writeTemp(`${name}-rules.json`, {
      groups: [
        {
          name,
          rules: cases.map((c) => ({
            alert: c.name,
            expr: `count((${c.expr.replaceAll("$__rate_interval", "1m")}) >= 0) > 0`,
          })),
        },
      ],
    });
    const tests = writeTemp(`${name}-test.json`, {
      rule_files: [rules],
      evaluation_interval: "15s",
      tests: [
        {
          interval: "15s",
          input_series: Object.entries(series).map(([s, values]) => ({ series: s, values })),
          alert_rule_test: cases.map((c) => ({
            eval_time: "5m",
            alertname: c.name,
            exp_alerts: c.returns ? [{ exp_labels: {} }] : [],
          })),
        },
      ],
    });
    return run("promtool", ["test", "rules", tests]);
  }

  const G = 'job="gateway",instance="gateway:9101"';
  const W = 'job="worker",instance="172.18.0.7:9102"';
  /** Every metric exported at least once, with traffic; OpenRouter answered only 200s, no 5xx. */
  const busy: Record<string, string> = {
    [`up{${G}}`]: "1x40",
    [`up{${W}}`]: "1x40",
    [`bot_updates_total{${G},command="note_add"}`]: "0+2x40",
    [`bot_command_duration_seconds_bucket{${G},command="note_add",le="0.05"}`]: "0+1x40",
    [`bot_command_duration_seconds_bucket{${G},command="note_add",le="0.1"}`]: "0+2x40",
    [`bot_command_duration_seconds_bucket{${G},command="note_add",le="+Inf"}`]: "0+2x40",
    [`ask_jobs_enqueued_total{${G}}`]: "0+1x40",
    [`ask_queue_jobs{${G},state="waiting"}`]: "3x40",
    [`ask_queue_jobs{${G},state="active"}`]: "2x40",
    [`telegram_api_errors_total{${W},method="editMessageText",code="400"}`]: "0+1x40",
    [`ask_duration_seconds_bucket{${W},model="m/free",outcome="ok",le="5"}`]: "0+1x40",
    [`ask_duration_seconds_bucket{${W},model="m/free",outcome="ok",le="10"}`]: "0+2x40",
    [`ask_duration_seconds_bucket{${W},model="m/free",outcome="ok",le="+Inf"}`]: "0+2x40",
    [`ask_duration_seconds_count{${W},model="m/free",outcome="ok"}`]: "0+2x40",
    [`openrouter_requests_total{${W},model="m/free",status="200"}`]: "0+2x40",
    [`openrouter_request_duration_seconds_bucket{${W},model="m/free",le="5"}`]: "0+2x40",
    [`openrouter_request_duration_seconds_bucket{${W},model="m/free",le="+Inf"}`]: "0+2x40",
    [`openrouter_breaker_state{${W},model="m/free"}`]: "0x40",
    [`process_resident_memory_bytes{${G}}`]: "80000000x40",
    [`process_resident_memory_bytes{${W}}`]: "90000000x40",
    [`process_cpu_seconds_total{${G}}`]: "0+0.1x40",
    [`process_cpu_seconds_total{${W}}`]: "0+0.2x40",
    [`nodejs_eventloop_lag_seconds{${G}}`]: "0.01x40",
    [`nodejs_eventloop_lag_seconds{${W}}`]: "0.02x40",
    [`intake_updates_recorded_total{${G},outcome="new"}`]: "0+2x40",
    [`intake_updates_recorded_total{${G},outcome="duplicate"}`]: "0x40",
    [`intake_updates_handled_total{${G}}`]: "0+2x40",
    [`intake_updates_rehandled_total{${G}}`]: "0+1x40",
    [`intake_updates_abandoned_total{${G}}`]: "0x40",
    [`intake_oldest_unhandled_seconds{${G}}`]: "0.5x40",
    [`openrouter_tokens_total{${W},model="m/free",kind="prompt"}`]: "0+120x40",
    [`openrouter_tokens_total{${W},model="m/free",kind="completion"}`]: "0+30x40",
    [`ask_daily_cap_total{${W}}`]: "0+1x40",
    [`registry_sync_total{${W},result="ok"}`]: "1x40",
    [`registry_sync_total{${W},result="failed"}`]: "0x40",
    [`registry_models_unavailable{${W}}`]: "2x40",
    [`notes_retrieval_duration_seconds_bucket{${G},le="0.01"}`]: "0+1x40",
    [`notes_retrieval_duration_seconds_bucket{${G},le="+Inf"}`]: "0+1x40",
    [`notes_retrieval_duration_seconds_count{${G}}`]: "0+1x40",
    [`notes_retrieval_duration_seconds_sum{${G}}`]: "0+0.005x40",
    [`notes_retrieved_sum{${G}}`]: "0+3x40",
    [`notes_retrieved_count{${G}}`]: "0+1x40",
    [`notes_digests_total{${G}}`]: "0+1x40",
  };
  const dashboardCases = (returns: (expr: string) => boolean) =>
    queries.map(({ panel, refId, expr }) => ({
      name: `panel ${panel.id} ${refId} (${panel.title})`,
      expr,
      returns: returns(expr),
    }));

  it("has queries that are valid PromQL and all return a value while the bot is busy", () => {
    const result = queriesReturnSamples(
      "busy",
      busy,
      dashboardCases(() => true),
    );
    expect(result.status, result.output).toBe(0);
  });

  it("has queries that still return a value (0) when the bot is idle; only percentiles go blank", () => {
    // The same metrics, exported before, but no counter moved within the rate window.
    const idle = Object.fromEntries(
      Object.entries(busy).map(([s, v]) => [s, v.replace(/^0\+[\d.]+x/, "7x")]),
    );
    const result = queriesReturnSamples(
      "idle",
      idle,
      dashboardCases((expr) => !expr.includes("histogram_quantile")),
    );
    expect(result.status, result.output).toBe(0);
  });

  it("notices a query that returns nothing (the control for the two checks above)", () => {
    const noErrors = 'sum(rate(openrouter_requests_total{status!="200"}[$__rate_interval]))';
    const result = queriesReturnSamples("control", busy, [
      { name: "no errors yet", expr: noErrors, returns: true },
    ]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("no errors yet");
  });
});

// ---------------------------------------------------------------------------------------------------
// Prometheus

interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
}
interface PrometheusConfig {
  global: { scrape_interval: string };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const PROMETHEUS_YML = repo("infra/prometheus/prometheus.yml");
const RULES_DIR = repo("infra/prometheus/rules");
const RULES_YML = join(RULES_DIR, "notesbot.yml");
const prometheus = readYaml<PrometheusConfig>(PROMETHEUS_YML);
const rules = readYaml<{ groups: { name: string; rules: Rule[] }[] }>(RULES_YML).groups.flatMap(
  (g) => g.rules,
);
const alert = (name: string) => {
  const rule = rules.find((r) => r.alert === name);
  if (!rule) throw new Error(`no alert ${name} in ${RULES_YML}`);
  return rule;
};

describe("Prometheus infra/prometheus", () => {
  it("scrapes the gateway and every worker replica every 15 s and loads the mounted rules", () => {
    expect(prometheus.global.scrape_interval).toBe("15s");
    expect(prometheus.rule_files).toEqual(["/etc/prometheus/rules/*.yml"]);
    const job = (name: string) => prometheus.scrape_configs.find((c) => c.job_name === name);
    expect(job("gateway")?.static_configs).toEqual([{ targets: ["gateway:9101"] }]);
    expect(job("worker")?.dns_sd_configs).toEqual([
      expect.objectContaining({ names: ["worker"], type: "A", port: 9102 }),
    ]);
  });

  it("passes `promtool check config`, rules included", () => {
    // rule_files names the path inside the container, where promtool 2.42 silently finds no file
    // ("0 rule files found", still exit 0). A copy whose rule_files point at the repository's rules
    // makes the check cover them too.
    const config = readFileSync(PROMETHEUS_YML, "utf8");
    expect(config).toContain("/etc/prometheus/rules/*.yml");
    const copy = writeTemp(
      "prometheus.yml",
      config.replace("/etc/prometheus/rules/*.yml", join(RULES_DIR, "*.yml")),
    );
    const result = run("promtool", ["check", "config", copy]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain("SUCCESS: 1 rule files found");
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it("has rules that pass `promtool check rules`", () => {
    const result = run("promtool", ["check", "rules", RULES_YML]);
    expect(result.status, result.output).toBe(0);
  });

  it("gives every alert a severity, a summary, a description and a duration", () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "AskErrorRateHigh",
        "AskLatencyHigh",
        "OpenRouterBreakerOpen",
        "AskQueueBacklog",
        "TargetDown",
        "IntakeStalled",
      ]),
    );
    for (const rule of rules) {
      expect(["warning", "critical"], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.trim() ?? "", `${rule.alert} summary`).not.toBe("");
      expect(rule.annotations?.description?.trim() ?? "", `${rule.alert} description`).not.toBe("");
      expect(rule.for ?? "", `${rule.alert} for`).toMatch(/^\d+m$/);
    }
    expect(alert("AskErrorRateHigh").for).toBe("5m");
    expect(alert("AskLatencyHigh").expr).toContain("ask_duration_seconds_bucket");
    expect(alert("AskLatencyHigh").for).toBe("5m");
    expect(alert("OpenRouterBreakerOpen").for).toBe("5m");
    expect(alert("AskQueueBacklog").for).toBe("5m");
    expect(alert("TargetDown").for).toBe("2m");
    expect(alert("IntakeStalled").expr).toContain("intake_oldest_unhandled_seconds");
    expect(alert("IntakeStalled").for).toBe("2m");
  });

  /**
   * The rules, evaluated by `promtool test rules` on synthetic series. The annotations are dropped from
   * a copy of the rules (promtool compares them verbatim), so this checks expressions, durations and
   * labels: which alerts fire, when, and with which labels.
   */
  it("fire when they should, only after their duration, and stay quiet when all is well", () => {
    const bare = writeTemp("rules-without-annotations.json", {
      groups: [{ name: "notesbot", rules: rules.map(({ annotations: _, ...rule }) => rule) }],
    });
    const W = 'job="worker",instance="w1:9102"';
    const G = 'job="gateway",instance="gateway:9101"';
    const critical = { severity: "critical" };
    const warning = { severity: "warning" };
    const expect_ = (evalTime: string, expected: Record<string, Record<string, string>[]>) =>
      rules.map((r) => ({
        eval_time: evalTime,
        alertname: r.alert,
        exp_alerts: (expected[r.alert] ?? []).map((labels) => ({ exp_labels: labels })),
      }));
    const series = (s: Record<string, string>) =>
      Object.entries(s).map(([k, values]) => ({ series: k, values }));

    const failing = series({
      // 40% of the asks end in an error.
      [`ask_duration_seconds_count{${W},model="m1",outcome="ok"}`]: "0+6x20",
      [`ask_duration_seconds_count{${W},model="m1",outcome="error"}`]: "0+4x20",
      // "slow": every ask between 30 and 60 s; "fast": under a second.
      [`ask_duration_seconds_bucket{${W},model="slow",outcome="ok",le="30"}`]: "0x20",
      [`ask_duration_seconds_bucket{${W},model="slow",outcome="ok",le="60"}`]: "0+1x20",
      [`ask_duration_seconds_bucket{${W},model="slow",outcome="ok",le="+Inf"}`]: "0+1x20",
      [`ask_duration_seconds_bucket{${W},model="fast",outcome="ok",le="1"}`]: "0+5x20",
      [`ask_duration_seconds_bucket{${W},model="fast",outcome="ok",le="30"}`]: "0+5x20",
      [`ask_duration_seconds_bucket{${W},model="fast",outcome="ok",le="+Inf"}`]: "0+5x20",
      [`openrouter_breaker_state{${W},model="a"}`]: "2x20",
      [`openrouter_breaker_state{${W},model="b"}`]: "1x20",
      [`openrouter_breaker_state{${W},model="c"}`]: "0x20",
      [`ask_queue_jobs{${G},state="waiting"}`]: "150x20",
      [`ask_queue_jobs{${G},state="active"}`]: "500x20",
      [`up{${G}}`]: "0x20",
      [`up{${W}}`]: "0x20",
      // Nothing handled any more: the oldest unhandled update ages a minute per minute.
      [`intake_oldest_unhandled_seconds{${G}}`]: "0+60x20",
    });
    const allFiring = {
      AskErrorRateHigh: [critical],
      AskLatencyHigh: [{ model: "slow", ...warning }],
      OpenRouterBreakerOpen: [{ job: "worker", instance: "w1:9102", model: "a", ...warning }],
      AskQueueBacklog: [{ job: "gateway", instance: "gateway:9101", state: "waiting", ...warning }],
      TargetDown: [
        { job: "gateway", instance: "gateway:9101", ...critical },
        { job: "worker", instance: "w1:9102", ...critical },
      ],
      NoWorkerUp: [critical],
      IntakeStalled: [critical],
    };
    const healthy = series({
      // 10% errors, fast answers, breakers closed or half-open, exactly 100 waiting, everything up.
      [`ask_duration_seconds_count{${W},model="m1",outcome="ok"}`]: "0+9x20",
      [`ask_duration_seconds_count{${W},model="m1",outcome="error"}`]: "0+1x20",
      [`ask_duration_seconds_bucket{${W},model="fast",outcome="ok",le="1"}`]: "0+5x20",
      [`ask_duration_seconds_bucket{${W},model="fast",outcome="ok",le="30"}`]: "0+5x20",
      [`ask_duration_seconds_bucket{${W},model="fast",outcome="ok",le="+Inf"}`]: "0+5x20",
      [`openrouter_breaker_state{${W},model="b"}`]: "1x20",
      [`openrouter_breaker_state{${W},model="c"}`]: "0x20",
      [`ask_queue_jobs{${G},state="waiting"}`]: "100x20",
      [`up{${G}}`]: "1x20",
      [`up{${W}}`]: "1x20",
      // Updates handled within seconds, one of them waiting out a flood wait of a minute.
      [`intake_oldest_unhandled_seconds{${G}}`]: "2 2 60 2 2x16",
    });
    // Scaled to zero (or all crashed): the DNS name has no address, so there is no worker target at all.
    const noWorkers = series({ [`up{${G}}`]: "1x20" });

    const tests = writeTemp("rules-test.json", {
      rule_files: [bare],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: failing,
          alert_rule_test: [
            ...expect_("1m", {}),
            ...expect_("4m", { TargetDown: allFiring.TargetDown, NoWorkerUp: allFiring.NoWorkerUp }),
            ...expect_("12m", allFiring),
          ],
        },
        { interval: "1m", input_series: healthy, alert_rule_test: expect_("12m", {}) },
        {
          interval: "1m",
          input_series: noWorkers,
          alert_rule_test: expect_("4m", { NoWorkerUp: [critical] }),
        },
      ],
    });
    const result = run("promtool", ["test", "rules", tests]);
    expect(result.status, result.output).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// docker-compose.yml

type Port = string | number | { host_ip?: string; published?: string | number; target?: number };
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  container_name?: string;
  ports?: Port[];
  env_file?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  restart?: string;
  volumes?: string[];
}
interface Compose {
  version?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const COMPOSE_YML = repo("docker-compose.yml");
const compose = readYaml<Compose>(COMPOSE_YML);
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name} in docker-compose.yml`);
  return s;
};
const words = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value : [value ?? ""]).join(" ");
const hostIp = (port: Port): string | undefined => {
  if (typeof port === "object") return port.host_ip;
  const parts = String(port).split(":");
  return parts.length === 3 ? parts[0] : undefined; // "ip:host:container"; "host:container" binds 0.0.0.0
};
const dependsOn = (s: Service) => (Array.isArray(s.depends_on) ? {} : (s.depends_on ?? {}));
const mount = (s: Service, target: string) => s.volumes?.find((v) => v.split(":")[1] === target);

/** `docker-compose` (v1, Debian) when installed, else `docker compose` (v2). */
function composeCli(): [string, string[]] {
  return run("docker-compose", ["version"]).status === 0 ? ["docker-compose", []] : ["docker", ["compose"]];
}

describe("docker-compose.yml", () => {
  const APP = ["migrate", "gateway", "worker"];

  /** The compose file, copied next to an empty .env with the real infra/ linked in. */
  function composeConfig(env: Record<string, string>): Run {
    const dir = mkdtempSync(join(TMP, "compose-"));
    writeFileSync(join(dir, "docker-compose.yml"), readFileSync(COMPOSE_YML));
    writeFileSync(join(dir, ".env"), "");
    symlinkSync(repo("infra"), join(dir, "infra"));
    const [cli, args] = composeCli();
    return run(cli, [...args, "-f", "docker-compose.yml", "config", "-q"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...env },
    });
  }

  it("passes `docker-compose config` with only TELEGRAM_BOT_TOKEN set, and refuses to start without it", () => {
    const result = composeConfig({ TELEGRAM_BOT_TOKEN: "123:abc" });
    expect(result.status, result.output).toBe(0);
    const noToken = composeConfig({});
    expect(noToken.status).not.toBe(0);
    expect(noToken.output).toContain("TELEGRAM_BOT_TOKEN");
  });

  it("has local defaults for the passwords, the same one for PostgreSQL and the app's DATABASE_URL", () => {
    const postgres = String(service("postgres").environment?.POSTGRES_PASSWORD);
    const grafana = String(service("grafana").environment?.GF_SECURITY_ADMIN_PASSWORD);
    expect(postgres).toMatch(/^\$\{POSTGRES_PASSWORD:-[\w-]+\}$/);
    expect(grafana).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:-[\w-]+\}$/);
    for (const name of APP)
      expect(String(service(name).environment?.DATABASE_URL), name).toBe(
        `postgres://postgres:${postgres}@postgres:5432/notesbot`,
      );
  });

  it("passes every variable of .env.example through to the app, from the environment or .env", () => {
    const example = readFileSync(repo(".env.example"), "utf8");
    const variables = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? "");
    const composeOnly = ["POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"];
    const fixed = ["DATABASE_URL", "REDIS_URL", "GATEWAY_METRICS_PORT", "WORKER_METRICS_PORT"];
    for (const name of APP) {
      const environment = service(name).environment ?? {};
      expect(service(name).env_file, `${name}: .env is optional, so no env_file`).toBeUndefined();
      const passed = variables.filter((v) => !composeOnly.includes(v) && !fixed.includes(v));
      for (const variable of passed) {
        const expected =
          variable === "TELEGRAM_BOT_TOKEN" ? /^\$\{TELEGRAM_BOT_TOKEN:\?.+\}$/ : `\${${variable}:-}`;
        expect(String(environment[variable]), `${name}: ${variable}`).toMatch(expected);
      }
      expect(Object.keys(environment).sort(), name).toEqual(
        variables.filter((v) => !composeOnly.includes(v)).sort(),
      );
    }
  });

  it("has the whole stack and no obsolete version key", () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(compose.services).sort()).toEqual(
      ["gateway", "grafana", "migrate", "postgres", "prometheus", "redis", "worker"].sort(),
    );
  });

  it("publishes ports on 127.0.0.1 only", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const port of s.ports ?? [])
        expect(hostIp(port), `${name}: ${JSON.stringify(port)}`).toBe("127.0.0.1");
    }
    expect(service("prometheus").ports).toContain("127.0.0.1:9090:9090");
    expect(service("grafana").ports).toContain("127.0.0.1:3000:3000");
  });

  it("pins every image to a version, replaceable through a variable, and builds the app from infra/Dockerfile", () => {
    const dockerfileNode = /^ARG NODE_IMAGE=(\S+)$/m.exec(
      readFileSync(repo("infra/Dockerfile"), "utf8"),
    )?.[1];
    const variables: Record<string, string> = {
      postgres: "POSTGRES_IMAGE",
      redis: "REDIS_IMAGE",
      prometheus: "PROMETHEUS_IMAGE",
      grafana: "GRAFANA_IMAGE",
    };
    for (const [name, s] of Object.entries(compose.services)) {
      if (APP.includes(name)) {
        // The Dockerfile's base, as NODE_IMAGE; the default repeats the Dockerfile's pin.
        expect(s.build, name).toEqual({
          context: ".",
          dockerfile: "infra/Dockerfile",
          args: { NODE_IMAGE: `\${NODE_IMAGE:-${dockerfileNode}}` },
        });
        if (s.image !== undefined) expect(s.image, name).not.toMatch(/:latest$|^[^:]+$/);
        continue;
      }
      expect(s.build, name).toBeUndefined();
      const image = /^\$\{(\w+):-(.+)\}$/.exec(s.image ?? "");
      expect(image?.[1], `${name}: image from a variable`).toBe(variables[name]);
      expect(image?.[2] ?? "", name).toMatch(/^[\w./-]+:v?\d+(\.\d+)+[\w.-]*$/);
      expect(image?.[2] ?? "", name).not.toContain("latest");
    }
  });

  it("runs gateway and worker with health checks, in-network URLs and ordered start-up", () => {
    const ports: Record<string, string> = { gateway: "GATEWAY_METRICS_PORT", worker: "WORKER_METRICS_PORT" };
    for (const name of ["gateway", "worker"]) {
      const s = service(name);
      expect(words(s.command), name).toBe(`node services/${name}/dist/main.js`);
      expect(String(s.environment?.DATABASE_URL), name).toMatch(
        /^postgres:\/\/postgres:.+@postgres:5432\/notesbot$/,
      );
      expect(s.environment?.REDIS_URL, name).toBe("redis://redis:6379");
      const port = String(s.environment?.[ports[name] ?? ""]);
      expect(port, name).toMatch(/^\d+$/);
      const test = s.healthcheck?.test;
      expect(Array.isArray(test) ? test[0] : "", name).toBe("CMD");
      expect(words(test), name).toContain("node -e");
      expect(words(test), name).toContain(`fetch('http://127.0.0.1:${port}/healthz')`);
      expect(s.restart, name).toBe("unless-stopped");
      expect(dependsOn(s), name).toEqual({
        migrate: { condition: "service_completed_successfully" },
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
    }
  });

  it("has exec-form health checks whose arguments hold no spaces (podman's Docker API splits them there)", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const test = s.healthcheck?.test;
      if (!Array.isArray(test) || test[0] !== "CMD") continue;
      for (const arg of test) expect(arg, name).not.toMatch(/\s/);
    }
  });

  it("lets the worker scale: no container_name, no fixed host port", () => {
    expect(service("worker").container_name).toBeUndefined();
    expect(service("worker").ports ?? []).toEqual([]);
    expect(service("gateway").container_name).toBeUndefined();
  });

  it("scrapes the ports the services listen on", () => {
    const gateway = prometheus.scrape_configs.find((c) => c.job_name === "gateway");
    const worker = prometheus.scrape_configs.find((c) => c.job_name === "worker");
    expect(gateway?.static_configs?.[0]?.targets).toEqual([
      `gateway:${service("gateway").environment?.GATEWAY_METRICS_PORT}`,
    ]);
    expect(String(worker?.dns_sd_configs?.[0]?.port)).toBe(
      String(service("worker").environment?.WORKER_METRICS_PORT),
    );
  });

  it("migrates once, after PostgreSQL is healthy", () => {
    const migrate = service("migrate");
    expect(words(migrate.command)).toBe("node shared/dist/db/migrate-cli.js");
    expect(migrate.restart).toBe("no");
    expect(dependsOn(migrate)).toEqual({ postgres: { condition: "service_healthy" } });
    expect(migrate.ports).toBeUndefined();
  });

  it("keeps PostgreSQL and Redis data in named volumes, with health checks", () => {
    const postgres = service("postgres");
    expect(postgres.environment?.POSTGRES_DB).toBe("notesbot");
    expect(String(postgres.environment?.POSTGRES_PASSWORD)).toMatch(/^\$\{POSTGRES_PASSWORD/);
    expect(words(postgres.healthcheck?.test)).toContain("pg_isready");
    const redis = service("redis");
    expect(words(redis.command)).toContain("--appendonly yes");
    expect(words(redis.command)).toContain("--maxmemory-policy noeviction");
    expect(words(redis.healthcheck?.test)).toContain("redis-cli ping");
    for (const [s, target] of [
      [postgres, "/var/lib/postgresql/data"],
      [redis, "/data"],
    ] as const) {
      const volume = mount(s, target)?.split(":")[0] ?? "";
      expect(Object.keys(compose.volumes ?? {}), target).toContain(volume);
    }
  });

  it("mounts Prometheus' config and rules read-only, with a retention limit", () => {
    const p = service("prometheus");
    expect(mount(p, "/etc/prometheus/prometheus.yml")).toBe(
      "./infra/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
    );
    const rulesDir = prometheus.rule_files[0]?.replace(/\/\*\.yml$/, "") ?? "";
    expect(mount(p, rulesDir)).toBe(`./infra/prometheus/rules:${rulesDir}:ro`);
    expect(words(p.command)).toMatch(/--storage\.tsdb\.retention\.(time|size)=\S+/);
  });

  it("provisions Grafana read-only, with the admin password from .env and no sign-up", () => {
    const g = service("grafana");
    expect(String(g.environment?.GF_SECURITY_ADMIN_PASSWORD)).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD/);
    expect(String(g.environment?.GF_USERS_ALLOW_SIGN_UP)).toBe("false");
    expect(mount(g, "/etc/grafana/provisioning")).toBe(
      "./infra/grafana/provisioning:/etc/grafana/provisioning:ro",
    );

    const provider = readYaml<{ providers: { type: string; options: { path: string } }[] }>(
      repo("infra/grafana/provisioning/dashboards/dashboards.yml"),
    ).providers[0];
    expect(provider?.type).toBe("file");
    const path = provider?.options.path ?? "";
    expect(mount(g, path)).toBe(`./infra/grafana/dashboards:${path}:ro`);

    const datasources = readYaml<{ datasources: Record<string, unknown>[] }>(
      repo("infra/grafana/provisioning/datasources/prometheus.yml"),
    ).datasources;
    expect(datasources).toEqual([
      expect.objectContaining({
        uid: "prometheus",
        type: "prometheus",
        url: "http://prometheus:9090",
        isDefault: true,
      }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Dockerfile and .dockerignore

describe("infra/Dockerfile", () => {
  const dockerfile = readFileSync(repo("infra/Dockerfile"), "utf8");
  const lines = dockerfile
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const args = Object.fromEntries(
    lines.flatMap((l) => {
      const m = /^ARG (\w+)=(\S+)$/.exec(l);
      return m ? [[m[1], m[2]]] : [];
    }),
  );
  const images = lines
    .filter((l) => l.startsWith("FROM "))
    .map((l) => (l.split(/\s+/)[1] ?? "").replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? name));
  const runtime = lines.slice(lines.findLastIndex((l) => l.startsWith("FROM ")));

  it("builds in stages from one pinned official Node 24 image, the release package.json pins", () => {
    expect(images.length).toBeGreaterThanOrEqual(2);
    const lock = JSON.parse(readFileSync(repo("package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    const node = lock.packages["node_modules/node"]?.version ?? "";
    for (const image of images) {
      expect(image).toMatch(/^node:24\.\d+\.\d+-(bookworm-slim|alpine[\d.]*)$/);
      expect(image, "the image's Node is the `node` devDependency's release").toContain(`node:${node}-`);
    }
    expect(new Set(images).size).toBe(1);
  });

  it("runs compiled JavaScript with production dependencies only, as the node user", () => {
    expect(runtime).toContain("ENV NODE_ENV=production");
    expect(runtime.find((l) => l.startsWith("RUN npm ci"))).toContain("--omit=dev");
    expect(runtime.some((l) => /^COPY migrations\/? migrations\/?$/.test(l))).toBe(true);
    expect(runtime.filter((l) => l.startsWith("USER ")).at(-1)).toBe("USER node");
    const cmd = runtime.filter((l) => l.startsWith("CMD ")).at(-1) ?? "";
    expect(JSON.parse(cmd.slice(4))).toEqual(["node", "services/gateway/dist/main.js"]);
  });

  it("runs the services with the V8 heap flags of package.json's config.nodeOptions, as the npm scripts do", () => {
    const pkg = JSON.parse(readFileSync(repo("package.json"), "utf8")) as {
      config: { nodeOptions: string };
      scripts: Record<string, string>;
    };
    expect(pkg.config.nodeOptions).toMatch(/--max-old-space-size=\d+/);
    expect(runtime).toContain(`ENV NODE_OPTIONS="${pkg.config.nodeOptions}"`);
    for (const name of ["gateway", "worker"]) {
      expect(pkg.scripts[name]).toBe(
        `NODE_OPTIONS="$npm_package_config_nodeOptions" node services/${name}/dist/main.js`,
      );
      // The compose services run the image's command line with its NODE_OPTIONS, not overriding it.
      const environment = (service(name) as { environment?: Record<string, unknown> }).environment;
      expect(environment?.NODE_OPTIONS, name).toBeUndefined();
    }
  });

  it("keeps secrets, dependencies and build output out of the build context", () => {
    const ignored = readFileSync(repo(".dockerignore"), "utf8").split("\n");
    for (const entry of ["**/node_modules", "**/dist", ".env", ".git"]) expect(ignored).toContain(entry);
    expect(ignored).not.toContain("migrations");
  });
});
