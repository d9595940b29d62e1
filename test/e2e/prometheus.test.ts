import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { dailyCapError } from "../support/fake-openrouter.js";
import { Prometheus } from "../support/prometheus.js";
import { Stack } from "../support/stack.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DASHBOARDS = `${ROOT}infra/grafana/dashboards`;
const RULES = `${ROOT}infra/prometheus/rules`;

interface Panel {
  title: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every panel's queries, Grafana's interval variables replaced by what they mean at a 1 s scrape. */
function dashboardQueries(): { panel: string; expr: string }[] {
  const queries: { panel: string; expr: string }[] = [];
  for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith(".json"))) {
    const dashboard = JSON.parse(readFileSync(`${DASHBOARDS}/${file}`, "utf8")) as { panels: Panel[] };
    const walk = (panels: Panel[]) => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          const expr = (target.expr ?? "")
            .replaceAll("$__rate_interval", "15s")
            .replaceAll("$__interval", "5s");
          queries.push({ panel: panel.title, expr });
        }
        walk(panel.panels ?? []);
      }
    };
    walk(dashboard.panels);
  }
  return queries;
}

let stack: Stack;
let prometheus: Prometheus;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1, env: { ASK_MAX_ATTEMPTS: "1" } });
  const [gateway, worker] = [stack.gateway, ...stack.workers];
  const address = async (service: typeof gateway | undefined) =>
    new URL(await (service as typeof gateway).metricsUrl()).host;
  prometheus = await Prometheus.start(
    [
      { job: "gateway", address: await address(gateway) },
      { job: "worker", address: await address(worker) },
    ],
    readdirSync(RULES).map((f) => `${RULES}/${f}`),
  );
});

afterAll(async () => {
  await prometheus?.stop();
  expect(await stack.stop()).toEqual([0, 0]);
});

describe("Prometheus scraping the real services", () => {
  it("returns data for every query of every dashboard panel after a real scenario", async () => {
    // The scenario: notes, asks that succeed, asks that fail with a 5xx, one the daily cap refuses, a Telegram error.
    const user = stack.telegram.newUser();
    await stack.say(user, "/note_add заметка для Prometheus");
    await stack.say(user, "/note_list");
    // A question about the notes and a digest of them.
    await stack.say(user, "/ask_notes где заметка для Prometheus?", { replies: 2 });
    await stack.say(user, "/note_digest");
    for (let i = 0; i < 3; i++) await (await ask(stack, user, `вопрос ${i}`)).answer();
    for (let i = 0; i < 2; i++) {
      stack.openrouter.enqueue({ kind: "error", status: 503 });
      await (await ask(stack, user, `сбой ${i}`)).answer();
    }
    // One ask refused by OpenRouter's free daily cap.
    stack.openrouter.enqueue(dailyCapError());
    await (await ask(stack, user, "дневной лимит")).answer();
    stack.telegram.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" });
    await stack.say(user, "/note_count");

    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(11);

    // Wait (bounded) until Prometheus has scraped enough for every rate() window to have two samples.
    const empty = async () => {
      const results = await Promise.all(
        queries.map(async (q) => ({ ...q, series: await prometheus.query(q.expr) })),
      );
      return results.filter((r) => r.series.length === 0).map((r) => `${r.panel}: ${r.expr}`);
    };
    const deadline = Date.now() + 45_000;
    let missing = await empty();
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // one scrape interval
      missing = await empty();
    }
    expect(missing).toEqual([]);
  });

  it("loads every alerting rule and evaluates it without errors", async () => {
    const rules = await prometheus.rules();
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) expect(rule.health, rule.name).not.toBe("err");
  });
});
