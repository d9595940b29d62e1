/**
 * `npm run bench [-- --quick] [-- --only=s1,s2,s3,s4,s6,s7] [-- --before=<rev>]`: what users feel and
 * what the bot costs, measured on this machine against the real services, PostgreSQL and Redis, with
 * fake Telegram and OpenRouter servers on 127.0.0.1 (Telegram's flood limits enforced where a scenario
 * says so); S1 also against the code before (`--before`, by default in a full run DEFAULT_BEFORE).
 * Prints a table and one `TARGET …` line per target, writes them as JSON to bench/results/, and after a
 * full run puts the table into BENCHMARKS.md (the table it replaces kept beside it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { type BurstResult, burst } from "./scenarios/burst.js";
import { type FirstWordsResult, firstWords } from "./scenarios/first-words.js";
import { SCALE_COMMANDS, type ScaleOptions, type ScaleResult, scale } from "./scenarios/scale.js";
import {
  ASK_PHASES,
  type AskPhase,
  type SteadyOptions,
  type SteadyResult,
  steady,
} from "./scenarios/steady.js";
import { type ThroughputResult, throughput } from "./scenarios/throughput.js";
import { Before } from "./support/before.js";
import { bullmqFloor } from "./support/bullmq-floor.js";
import { awaitQuiet } from "./support/cpu.js";
import { BenchEnv, REDIS_URL, withAdmin } from "./support/env.js";
import { killAll, Proc, ROOT } from "./support/process.js";
import { summarizeProfiles } from "./support/profile.js";
import { type CodeBefore, streamMs, TARGET_LABEL, type TargetKind } from "./support/stack.js";
import { type Figure, figure, type Sample } from "./support/stats.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const SCENARIOS = ["s1", "s2", "s3", "s4", "s6", "s7"];
const only =
  args
    .find((a) => a.startsWith("--only="))
    ?.slice(7)
    .split(",") ?? SCENARIOS;
const selected = (scenario: string) => only.includes(scenario);
/** The code before the current rebuild, S1's yardstick in a full run (a quick run only with `--before`). */
const DEFAULT_BEFORE = "248205d";
const beforeRev =
  args.find((a) => a.startsWith("--before="))?.slice(9) ?? (quick ? undefined : DEFAULT_BEFORE);
if (args.includes("--profile")) {
  Proc.profileDir = `${ROOT}bench/results/profiles`;
  rmSync(Proc.profileDir, { recursive: true, force: true });
}

const CONFIG = {
  runs: quick ? 1 : 3,
  throughput: { asks: 2000, users: 500, warmup: 200 },
  // S1's capacity figure: the load S2 ran before, far past what one bot token can deliver.
  capacity: {
    seconds: quick ? 5 : 20,
    askRate: 100,
    noteRate: 50,
    latencyMs: 1000,
    drainMs: quick ? 5_000 : 10_000,
  } satisfies SteadyOptions,
  // A load one bot token can carry (Telegram allows about 15 asks a second at two calls each).
  steady: {
    seconds: quick ? 5 : 20,
    askRate: 10,
    noteRate: 10,
    latencyMs: 1000,
    drainMs: quick ? 5_000 : 10_000,
  } satisfies SteadyOptions,
  // Answers streamed over 2 s: 5 chunks 250 ms apart, then the finish, usage and [DONE] events.
  burst: { asks: 100, stream: { chunks: 5, chunkDelayMs: 250 } },
  firstWords: { asks: quick ? 10 : 30, rate: 4, stream: { chunks: 5, chunkDelayMs: 250 } },
  scale: (quick
    ? { notes: 100_000, users: 1_000, heavyNotes: 10_000, commands: 50, passes: 1 }
    : {
        notes: 1_000_000,
        users: 10_000,
        heavyNotes: 100_000,
        commands: 200,
        passes: 3,
      }) satisfies ScaleOptions,
};

interface Row {
  scenario: string;
  figure: string;
  unit: "asks/s" | "ms" | "s" | "×" | "MiB" | "%" | "cores" | "";
  value: Figure;
  target?: { at: "most" | "least"; value: number };
  met?: boolean;
}

const rows: Row[] = [];

function add(scenario: string, name: string, unit: Row["unit"], value: Figure, target?: Row["target"]): void {
  const row: Row = { scenario, figure: name, unit, value };
  if (target) {
    row.target = target;
    // A figure known only as a lower bound (≥) cannot be shown to meet an "at most" target.
    const v = value.median;
    row.met = target.at === "most" ? v <= target.value && value.bound !== "≥" : v >= target.value;
  }
  rows.push(row);
  console.log(`  ${scenario} · ${name}: ${format(value, unit)}`);
}

const at = {
  most: (value: number) => ({ at: "most" as const, value }),
  least: (value: number) => ({ at: "least" as const, value }),
};

function number(value: number, unit: Row["unit"]): string {
  if (!Number.isFinite(value)) return "–";
  if (unit === "×" && Math.abs(value) < 0.1) return value.toPrecision(2);
  if (unit === "×" || unit === "cores") return value.toFixed(2);
  if (unit === "%" || unit === "s") return value.toFixed(1);
  if (unit === "ms" && Math.abs(value) < 100) return value.toFixed(1);
  // Counts stay whole; a fraction (commands per ask) keeps a decimal, so a limit is not met by rounding.
  if (unit === "" && !Number.isInteger(value) && Math.abs(value) < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString("en-US");
}

function format(value: Figure, unit: Row["unit"]): string {
  const suffix = unit === "" || unit === "×" ? "" : unit === "%" ? "%" : ` ${unit}`;
  return `${value.bound ?? ""}${number(value.median, unit)}${suffix}`;
}

/** `TARGET <name>: <value> (target <op> <limit>) met|missed`, one line per target, for readers and scripts. */
function targetLine(r: Row): string {
  if (r.target === undefined) return "";
  const limit = format({ runs: [], median: r.target.value, min: 0, max: 0 }, r.unit);
  return `TARGET ${r.scenario} · ${r.figure}: ${format(r.value, r.unit)} (target ${r.target.at === "most" ? "≤" : "≥"} ${limit}) ${r.met ? "met" : "missed"}`;
}

/** The machine the figures come from. */
async function machine() {
  const redis = new Redis(REDIS_URL);
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?";
  redis.disconnect();
  const postgres = await withAdmin(
    async (admin) =>
      (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v,
  );
  return {
    nproc: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    cpu: os.cpus()[0]?.model.trim() ?? "?",
    node: process.version,
    postgres: postgres ?? "?",
    redis: redisVersion,
    kernel: os.release(),
  };
}

/** On a shared machine: waits a little for others' work to calm down before a run (not in --quick). */
async function quiet(): Promise<void> {
  if (quick) return;
  const busy = await awaitQuiet(30_000);
  if (busy >= 0.3) console.log(`  (the machine is busy with other work: ${busy.toFixed(1)} cores; going on)`);
}

/** Runs `work` once (after `quiet()`), logging it as run `run` of `label`. */
async function timed<T>(label: string, run: number, work: () => Promise<T>): Promise<T> {
  await quiet();
  const started = performance.now();
  const result = await work();
  console.log(
    `  ${label}: run ${run}/${CONFIG.runs} done in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return result;
}

/** Runs `work` `runs` times in a row, logging each. */
async function repeat<T>(label: string, work: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 1; run <= CONFIG.runs; run++) results.push(await timed(label, run, work));
  return results;
}

const raw: {
  throughput?: Record<string, ThroughputResult[]>;
  capacity?: SteadyResult[];
  steady?: Partial<Record<TargetKind, SteadyResult[]>>;
  scale?: ScaleResult;
  burst?: BurstResult[];
  firstWords?: FirstWordsResult[];
} = {};

async function scenario1(env: BenchEnv, before: CodeBefore | undefined): Promise<void> {
  console.log(
    `\nS1 throughput: ${CONFIG.throughput.asks} asks from ${CONFIG.throughput.users} users, answered at once`,
  );
  // With the code before, it takes turns with ours within each run, so a slower moment of the machine
  // does not favour one of them.
  const one: ThroughputResult[] = [];
  const old: ThroughputResult[] = [];
  const oldLabel = `code before (${before?.code.rev})`;
  for (let run = 1; run <= CONFIG.runs; run++) {
    one.push(await timed("1 worker", run, () => throughput(env, { ...CONFIG.throughput, workers: 1 })));
    if (before)
      old.push(
        await timed(`${oldLabel}, 1 worker`, run, () =>
          throughput(env, { ...CONFIG.throughput, workers: 1, before }),
        ),
      );
  }
  const two = await repeat("2 workers", () => throughput(env, { ...CONFIG.throughput, workers: 2 }));
  raw.throughput = { oneWorker: one, twoWorkers: two, ...(before ? { before: old } : {}) };
  const rate = (results: ThroughputResult[]) => figure(results.map((r) => r.asksPerSecond));
  add("S1 throughput", "asks answered per second, gateway + 1 worker", "asks/s", rate(one));
  if (before) {
    add("S1 throughput", `asks answered per second, ${oldLabel}, gateway + 1 worker`, "asks/s", rate(old));
    // Run by run: each of ours against the code before's run that took its turn right after it.
    const ratio = figure(one.map((r, i) => r.asksPerSecond / (old[i] as ThroughputResult).asksPerSecond));
    add("S1 throughput", "S1 asks per second, ours ÷ code before", "×", ratio);
  }
  add("S1 throughput", "asks answered per second, gateway + 2 workers", "asks/s", rate(two));
  const commands = figure(one.map((r) => r.redisCommandsPerAsk));
  add("S1 throughput", "Redis commands per answered ask, gateway + 1 worker", "", commands);
  console.log(`Redis commands per answered ask: ${Math.round(commands.median)}`);
  const floor = await bullmqFloor(env.queuePrefix());
  // The floor under the figure above: what BullMQ alone runs per job, measured once (a count).
  const bare = "BullMQ alone: Redis commands per job of a bare queue";
  add("S1 throughput", `${bare}, fewest options`, "", figure([floor.minimal]));
  add("S1 throughput", `${bare}, the ask job's options`, "", figure([floor.askOptions]));
  // What the bot adds to BullMQ's own work per job, in the same run: not above the 19 of 2026-12-02.
  add(
    "S1 throughput",
    "Redis commands per answered ask over BullMQ's own per job (the ask job's options)",
    "",
    figure(one.map((r) => r.redisCommandsPerAsk - floor.askOptions)),
    at.most(19),
  );
  console.log(
    `BullMQ alone: ${floor.minimal.toFixed(1)} Redis commands per job with the fewest options, ${floor.askOptions.toFixed(1)} with the ask job's`,
  );
  add(
    "S1 throughput",
    "… of which sent by the bot (round trips, not inside Lua scripts; warm-up, MONITOR)",
    "",
    figure(one.map((r) => r.redisRoundTripsPerAsk)),
  );
  const last = one[one.length - 1];
  if (last) {
    const top = Object.entries(last.redisCommands)
      .slice(0, 12)
      .map(([name, n]) => `${name} ${(n / last.answered).toFixed(1)}`);
    console.log(`  (per answered ask, by command: ${top.join(", ")})`);
  }
  add(
    "S1 throughput",
    "other processes' CPU meanwhile (noise)",
    "cores",
    figure([...one, ...two].map((r) => r.otherCores)),
  );

  // Capacity: a steady load far past what one bot token can deliver (figures only).
  const { askRate, noteRate, latencyMs } = CONFIG.capacity;
  console.log(
    `\nS1 capacity: ${askRate} asks/s (OpenRouter answers in ${latencyMs} ms) + ${noteRate} note commands/s`,
  );
  const capacity = await repeat("capacity, gateway + 1 worker", () => steady(env, "ours", CONFIG.capacity));
  raw.capacity = capacity;
  const C = `S1 capacity, ${askRate} asks/s + ${noteRate} notes/s`;
  add(C, "load achieved: asks per second", "asks/s", figure(capacity.map((r) => r.asks.perSecond)));
  add(
    C,
    `ask overhead p50 (delivery → answer, less ${latencyMs} ms)`,
    "ms",
    figure(capacity.map((r) => r.askOverhead.p50)),
  );
  add(C, "ask overhead p99", "ms", figure(capacity.map((r) => r.askOverhead.p99)));
  add(C, "note reply p99", "ms", figure(capacity.map((r) => r.note.p99)));
  add(C, "CPU used: gateway + worker + PostgreSQL + Redis", "cores", figure(capacity.map(stackCores)));
}

/** Cores used by the bot and its PostgreSQL and Redis during a steady run. */
const stackCores = (r: SteadyResult) => r.cores.gateway + r.cores.workers + r.cores.postgres + r.cores.redis;

/** Where S2's ask overhead goes, ours against the runner baseline (medians over the runs). */
function phaseTable(): string {
  const steadyRuns = raw.steady;
  if (steadyRuns === undefined) return "";
  const label: Record<AskPhase, string> = {
    placeholder: "delivery → placeholder sent",
    toOpenRouter: "placeholder → request at OpenRouter",
    inQueue: "… of which in the queue (job added → taken by a worker)",
    toEdit: "OpenRouter's answer → edit",
  };
  const kinds = (["ours", "runner", "bot-start"] as const).filter((k) => (steadyRuns[k] ?? []).length > 0);
  const lines = [
    `| S2/S3 ask overhead by phase, p50 / p99 | ${kinds.map((k) => (k === "ours" ? "ours" : k === "runner" ? "run(bot)" : "bot.start()")).join(" | ")} |`,
    `| --- | ${kinds.map(() => "---:").join(" | ")} |`,
  ];
  for (const phase of ASK_PHASES) {
    const cells = kinds.map((k) => {
      const results = steadyRuns[k] ?? [];
      const ms = (p: "p50" | "p99") => number(figure(results.map((r) => r.askPhases[phase][p])).median, "ms");
      return `${ms("p50")} / ${ms("p99")} ms`;
    });
    lines.push(`| ${label[phase]} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Where S1's CPU time went, per answered ask (medians over the runs); `before`: the code before's label. */
function cpuTable(before: CodeBefore | undefined): string {
  const throughputRuns = raw.throughput;
  if (throughputRuns === undefined) return "";
  const who = ["gateway", "workers", "postgres", "redis", "bench", "other"] as const;
  const lines = [
    "| S1 CPU time per answered ask | gateway | worker(s) | PostgreSQL | Redis | fakes + load | other processes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const old = throughputRuns.before;
  for (const [label, results] of [
    ["gateway + 1 worker", throughputRuns.oneWorker],
    ...(old ? ([[`code before (${before?.code.rev}), gateway + 1 worker`, old]] as const) : []),
    ["gateway + 2 workers", throughputRuns.twoWorkers],
  ] as const) {
    const cells = who.map(
      (w) => `${figure((results ?? []).map((r) => r.cpuPer1000[w])).median.toFixed(2)} ms`,
    );
    lines.push(`| ${label} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

async function scenarios2and3(env: BenchEnv): Promise<void> {
  const { seconds, askRate, noteRate, latencyMs } = CONFIG.steady;
  const kinds: TargetKind[] = selected("s3") ? ["ours", "runner", "bot-start"] : ["ours"];
  console.log(
    `\nS2/S3 steady load: ${askRate} asks/s for ${seconds} s (OpenRouter answers in ${latencyMs} ms) + ${noteRate} note commands/s`,
  );
  const results: Record<TargetKind, SteadyResult[]> = { ours: [], runner: [], "bot-start": [] };
  // The targets take turns within each run, so a slower moment of the machine does not favour one of them.
  for (let run = 1; run <= CONFIG.runs; run++) {
    for (const kind of kinds) {
      await quiet();
      const started = performance.now();
      const result = await steady(env, kind, CONFIG.steady);
      results[kind].push(result);
      console.log(
        `  ${kind}: run ${run}/${CONFIG.runs} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
          `${result.asks.answered}/${result.asks.sent} asks, ${result.notes.answered}/${result.notes.sent} notes answered`,
      );
    }
  }
  raw.steady = results;
  type Get = (r: SteadyResult) => Sample | number;
  const rowsOf = (
    scenario: string,
    list: SteadyResult[],
    specs: [string, Row["unit"], Get, Row["target"]?][],
  ) => {
    for (const [name, unit, get, target] of specs) add(scenario, name, unit, figure(list.map(get)), target);
  };
  rowsOf("S2 steady load, ours", results.ours, [
    ["load achieved: asks per second", "asks/s", (r) => r.asks.perSecond],
    ["load achieved: note commands per second", "", (r) => r.notes.perSecond],
    [`ask overhead p50 (delivery → answer, less ${latencyMs} ms)`, "ms", (r) => r.askOverhead.p50],
    ["ask overhead p95", "ms", (r) => r.askOverhead.p95],
    ["ask overhead p99", "ms", (r) => r.askOverhead.p99],
    ["note reply p50 (delivery → reply)", "ms", (r) => r.note.p50],
    ["note reply p99", "ms", (r) => r.note.p99],
    ["CPU used: gateway + worker + PostgreSQL + Redis", "cores", stackCores],
    ["other processes' CPU meanwhile (noise)", "cores", (r) => r.cores.other],
  ]);
  if (!selected("s3")) return;

  const total = (s: Sample): Sample => ({ ms: s.ms + latencyMs, censored: s.censored });
  /** Ours ÷ the baseline's, run by run; a baseline figure known only as a lower bound makes the ratio an upper bound. */
  const ratio = (baseline: SteadyResult[], get: (r: SteadyResult) => Sample) =>
    figure(
      results.ours.map((r, i) => get(r).ms / get(baseline[i] as SteadyResult).ms),
      baseline.some((r) => get(r).censored) ? "≤" : undefined,
    );
  for (const kind of ["runner", "bot-start"] as const) {
    const base = results[kind];
    const S3 = `S3 vs ${kind === "runner" ? "run(bot)" : "bot.start()"}`;
    console.log(`  (${TARGET_LABEL[kind]})`);
    rowsOf(S3, base, [
      ["baseline: asks answered by the end of the run", "%", (r) => (100 * r.asks.answered) / r.asks.sent],
      ["baseline: note commands answered by then", "%", (r) => (100 * r.notes.answered) / r.notes.sent],
      ["baseline: ask latency p50 (delivery → answer)", "ms", (r) => total(r.askOverhead.p50)],
      ["baseline: ask latency p99", "ms", (r) => total(r.askOverhead.p99)],
      ["baseline: note reply p50", "ms", (r) => r.note.p50],
      ["baseline: note reply p99", "ms", (r) => r.note.p99],
      ["baseline: CPU used: bot + PostgreSQL + Redis", "cores", stackCores],
      ["other processes' CPU meanwhile (noise)", "cores", (r) => r.cores.other],
    ]);
    const askP50 = ratio(base, (r) => total(r.askOverhead.p50));
    const askP99 = ratio(base, (r) => total(r.askOverhead.p99));
    const noteP99 = ratio(base, (r) => r.note.p99);
    if (kind === "runner") {
      add(S3, "ask latency p50, ours ÷ baseline", "×", askP50);
      add(S3, "ask latency p99, ours ÷ baseline", "×", askP99, at.most(1.05));
      add(
        S3,
        "ask overhead p99, ours ÷ baseline",
        "×",
        ratio(base, (r) => r.askOverhead.p99),
      );
      add(S3, "note reply p99, ours ÷ baseline", "×", noteP99, at.most(2));
      const cpu = figure(results.ours.map((r, i) => stackCores(r) / stackCores(base[i] as SteadyResult)));
      add(S3, "CPU used, ours ÷ baseline", "×", cpu, at.most(2));
      console.log(`S2 CPU, ours ÷ run(bot) baseline: ${number(cpu.median, "×")}`);
    } else {
      add(S3, "ask latency p99, ours ÷ baseline", "×", askP99);
      add(S3, "note reply p99, ours ÷ baseline", "×", noteP99);
    }
  }
}

async function scenario4(env: BenchEnv): Promise<void> {
  const { notes, users, heavyNotes, commands, passes } = CONFIG.scale;
  console.log(
    `\nS4 database scale: ${notes.toLocaleString("en-US")} notes of ${users.toLocaleString("en-US")} users, ` +
      `one with ${heavyNotes.toLocaleString("en-US")}; ${commands} of each command per pass, ${passes} pass(es)`,
  );
  await quiet();
  const result = await scale(env, CONFIG.scale);
  raw.scale = result;
  console.log(`  populated in ${result.populateSeconds.toFixed(1)} s`);
  const S4 = `S4 ${notes.toLocaleString("en-US")} notes, user with ${heavyNotes.toLocaleString("en-US")}`;
  for (const text of SCALE_COMMANDS) {
    const pick = (p: "p50" | "p99") => figure(result.passes.map((pass) => pass[text]?.[p] ?? Number.NaN));
    add(S4, `${text} p50`, "ms", pick("p50"));
    add(S4, `${text} p99`, "ms", pick("p99"), at.most(text.startsWith("/note_find") ? 50 : 20));
  }
  const retrieval = (p: "p50" | "p99") => figure(result.retrieval.map((pass) => pass[p]));
  add(S4, "/ask_notes retrieval p50", "ms", retrieval("p50"));
  add(S4, "/ask_notes retrieval p99", "ms", retrieval("p99"), at.most(30));
}

function scenario5(): void {
  const S5 = "S5 peak RSS (VmHWM)";
  const limit = at.most(150);
  const s1 = [...(raw.throughput?.oneWorker ?? []), ...(raw.throughput?.twoWorkers ?? [])];
  const s2 = raw.steady?.ours ?? [];
  const capacity = raw.capacity ?? [];
  if (s1.length > 0) {
    add(S5, "gateway during S1", "MiB", figure(s1.map((r) => r.peakRssMb.gateway)), limit);
    add(S5, "worker during S1", "MiB", figure(s1.map((r) => r.peakRssMb.worker)), limit);
  }
  if (s2.length > 0) {
    add(S5, "gateway during S2", "MiB", figure(s2.map((r) => r.peakRssMb?.gateway ?? Number.NaN)), limit);
    add(S5, "worker during S2", "MiB", figure(s2.map((r) => r.peakRssMb?.worker ?? Number.NaN)), limit);
  }
  if (capacity.length > 0) {
    const rss = (get: (r: { gateway: number; worker: number }) => number) =>
      figure(capacity.map((r) => (r.peakRssMb ? get(r.peakRssMb) : Number.NaN)));
    add(
      S5,
      "gateway during S1 capacity",
      "MiB",
      rss((r) => r.gateway),
      limit,
    );
    add(
      S5,
      "worker during S1 capacity",
      "MiB",
      rss((r) => r.worker),
      limit,
    );
  }
}

/** The last run's chat calls by method, and of them refused with 429. */
function printByMethod(byMethod: Record<string, { calls: number; refused: number }> | undefined): void {
  const methods = Object.entries(byMethod ?? {}).map(([m, n]) => `${m} ${n.refused} of ${n.calls}`);
  console.log(`  (the bot's chat calls refused with 429, by method: ${methods.join(", ")})`);
}

async function scenario6(env: BenchEnv): Promise<void> {
  const { asks, stream } = CONFIG.burst;
  console.log(
    `\nS6 burst: ${asks} users ask at once, Telegram's flood limits on, answers streamed over ${streamMs(stream) / 1000} s`,
  );
  const results = await repeat("burst", () => burst(env, CONFIG.burst));
  raw.burst = results;
  const S6 = "S6 burst";
  const seconds = (s: Sample): Sample => ({ ms: s.ms / 1000, censored: s.censored });
  add(S6, "asks answered", "", figure(results.map((r) => r.answered)));
  const errors = (r: BurstResult) => Object.values(r.failures).reduce((sum, n) => sum + n, 0);
  add(S6, "asks that got an error message instead", "", figure(results.map(errors)));
  const failures = Object.entries(results.at(-1)?.failures ?? {});
  if (failures.length > 0)
    console.log(
      `  (asks ended with an error instead: ${failures.map(([t, n]) => `${n}× ${JSON.stringify(t)}`).join(", ")})`,
    );
  add(S6, "time until every ask is answered", "s", figure(results.map((r) => seconds(r.allAnswered))));
  add(
    S6,
    "Telegram's bound (2 calls per ask at 30/s, plus the model's time)",
    "s",
    figure(results.map((r) => r.boundMs / 1000)),
  );
  add(
    S6,
    "time until every ask is answered ÷ Telegram's bound",
    "×",
    figure(results.map((r) => ({ ms: r.allAnswered.ms / r.boundMs, censored: r.allAnswered.censored }))),
    at.most(1.2),
  );
  add(S6, "the bot's chat calls", "", figure(results.map((r) => r.calls)));
  printByMethod(results.at(-1)?.byMethod);
  add(S6, "calls refused with 429", "%", figure(results.map((r) => (100 * r.refused) / r.calls)), at.most(5));
}

async function scenario7(env: BenchEnv): Promise<void> {
  const { asks, rate, stream } = CONFIG.firstWords;
  console.log(
    `\nS7 first words: ${asks} asks in private chats and ${asks} in groups, ${rate}/s, flood limits on, drafts offered, answers streamed over ${streamMs(stream) / 1000} s`,
  );
  const results = await repeat("first words", () => firstWords(env, CONFIG.firstWords));
  raw.firstWords = results;
  printByMethod(results.at(-1)?.byMethod);
  const S7 = "S7 first words";
  for (const chat of ["private", "group"] as const) {
    const where = chat === "private" ? "private chats" : "groups";
    add(S7, `${where}, asks measured`, "", figure(results.map((r) => r[chat].answered)));
    add(
      S7,
      `${where}, model's first token → first answer text in the chat, p50`,
      "ms",
      figure(results.map((r) => r[chat].p50)),
      chat === "private" ? at.most(300) : undefined,
    );
    add(S7, `${where}, p99`, "ms", figure(results.map((r) => r[chat].p99)));
  }
}

function table(): string {
  const lines = [
    "| Scenario | Figure | Median | Spread (min–max) | Target | Met |",
    "| --- | --- | ---: | ---: | --- | --- |",
  ];
  for (const r of rows) {
    const spread =
      r.value.runs.length > 1 ? `${number(r.value.min, r.unit)}–${number(r.value.max, r.unit)}` : "";
    const target = r.target ? `${r.target.at === "most" ? "≤" : "≥"} ${number(r.target.value, r.unit)}` : "";
    const met = r.met === undefined ? "" : r.met ? "met" : "**missed**";
    lines.push(
      `| ${r.scenario} | ${r.figure} | ${format(r.value, r.unit)} | ${spread} | ${target} | ${met} |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const started = performance.now();
  const env = new BenchEnv();
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the processes and removing what the run created`);
    killAll();
    void env.cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);

  const host = await machine();
  console.log(
    `bench (${quick ? "quick" : "full"}, ${CONFIG.runs} run(s) per figure) on ${host.nproc} cores, ${host.memoryGiB} GiB, ` +
      `${host.cpu}, Node ${host.node}, PostgreSQL ${host.postgres}, Redis ${host.redis}`,
  );
  let before: CodeBefore | undefined;
  try {
    if (selected("s1") && beforeRev !== undefined) {
      const code = await Before.prepare(beforeRev);
      console.log(
        `code before: ${code.rev} (${code.root}), services with Node flags "${code.nodeFlags.join(" ")}"`,
      );
      before = { code, template: await env.addTemplate("before", (url) => code.migrate(url)) };
    }
    await env.init();
    if (selected("s1")) await scenario1(env, before);
    if (selected("s2") || selected("s3")) await scenarios2and3(env);
    if (selected("s4")) await scenario4(env);
    if (selected("s6")) await scenario6(env);
    if (selected("s7")) await scenario7(env);
    scenario5();
  } finally {
    killAll();
    await env.cleanup();
  }

  const seconds = (performance.now() - started) / 1000;
  const markdown = [table(), phaseTable(), cpuTable(before)].filter((t) => t !== "").join("\n\n");
  const machineLine =
    `${host.nproc} cores (${host.cpu}), ${host.memoryGiB} GiB memory, Linux ${host.kernel}; ` +
    `Node ${host.node}, PostgreSQL ${host.postgres}, Redis ${host.redis}`;
  console.log(
    `\n${machineLine}\n\n${markdown}\n\n${rows
      .map(targetLine)
      .filter((line) => line !== "")
      .join("\n")}\n\n` +
      `${rows.filter((r) => r.met === false).length} target(s) missed; took ${seconds.toFixed(0)} s`,
  );

  const complete = !quick && SCENARIOS.every(selected);
  const file = `bench/results/${complete ? "latest" : "quick"}.json`;
  const json = {
    mode: quick ? "quick" : "full",
    scenarios: only,
    date: new Date().toISOString(),
    seconds: Math.round(seconds),
    machine: host,
    config: CONFIG,
    before: before ? { rev: before.code.rev, sha: before.code.sha } : null,
    rows,
    raw,
  };
  // Numbers to 0.001 are plenty; then laid out the way Biome (`npm run lint`) wants JSON.
  const rounded = (_key: string, v: unknown) => (typeof v === "number" ? Math.round(v * 1000) / 1000 : v);
  writeFileSync(`${ROOT}${file}`, `${JSON.stringify(json, rounded, 2)}\n`);
  // (quick.json is git-ignored, so Biome leaves it alone.)
  if (complete) execFileSync(`${ROOT}node_modules/.bin/biome`, ["format", "--write", file], { cwd: ROOT });
  console.log(`wrote ${file}`);
  if (complete) updateBenchmarksMd(machineLine, markdown, json.date, seconds);
  if (Proc.profileDir) {
    console.log(`\nCPU profiles in ${Proc.profileDir}; busy time by the code it was spent for:`);
    for (const name of ["gateway", "worker", "runner", "bot-start"])
      console.log(summarizeProfiles(Proc.profileDir, name));
  }
}

/** The text between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`, and where it is. */
function marked(text: string, name: string) {
  const start = `<!-- bench:${name}:start -->\n`;
  const from = text.indexOf(start);
  const to = text.indexOf(`<!-- bench:${name}:end -->`);
  if (from < 0 || to < from) return undefined;
  return { from: from + start.length, to, content: text.slice(from + start.length, to) };
}

/**
 * Puts the new table between the results markers in BENCHMARKS.md, and the table it replaces between
 * the previous-results markers (so the file keeps the previous table beside the new one).
 */
function updateBenchmarksMd(machineLine: string, markdown: string, date: string, seconds: number): void {
  const path = `${ROOT}BENCHMARKS.md`;
  let text = readFileSync(path, "utf8");
  const latest = marked(text, "results");
  const previous = marked(text, "previous");
  if (latest === undefined || previous === undefined || previous.from < latest.to) {
    console.log(
      "BENCHMARKS.md lacks the results and previous-results markers (in that order): left as it is",
    );
    return;
  }
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return "?";
    }
  };
  const dirty =
    git("status", "--porcelain", "--untracked-files=no") === "" ? "" : " plus uncommitted changes";
  const commit = `${git("rev-parse", "--short", "HEAD")}${dirty}`;
  const section = `Run of ${date.slice(0, 10)} at commit ${commit}, ${Math.round(seconds / 60)} min, on ${machineLine}.\n\n${markdown}\n`;
  text = text.slice(0, previous.from) + latest.content + text.slice(previous.to);
  text = text.slice(0, latest.from) + section + text.slice(latest.to);
  writeFileSync(path, text);
  // Biome lays out Markdown tables too (`npm run lint` checks this file).
  execFileSync(`${ROOT}node_modules/.bin/biome`, ["format", "--write", "BENCHMARKS.md"], { cwd: ROOT });
  console.log("updated BENCHMARKS.md");
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
