/** The Grafana dashboard: the panels it must show, and every query valid PromQL that returns a value (promtool). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Run, repo, run, tempFolder, writeTemp } from "./tools.js";

const TMP = tempFolder();
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
    const rules = writeTemp(TMP, `${name}-rules.json`, {
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
    const tests = writeTemp(TMP, `${name}-test.json`, {
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
