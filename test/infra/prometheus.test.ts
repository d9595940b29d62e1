/** Prometheus' scrape configuration and alerting rules: `promtool check` and `promtool test rules`. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROMETHEUS_YML, readPrometheusConfig, readYaml, repo, run, tempFolder, writeTemp } from "./tools.js";

const TMP = tempFolder();
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const RULES_DIR = repo("infra/prometheus/rules");
const RULES_YML = join(RULES_DIR, "notesbot.yml");
const prometheus = readPrometheusConfig();
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
      TMP,
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
    const bare = writeTemp(TMP, "rules-without-annotations.json", {
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

    const tests = writeTemp(TMP, "rules-test.json", {
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
