/**
 * The README's first command on real containers: docker-compose.yml, unmodified, run by Debian's
 * docker-compose against podman's API, on stand-in base images built from Debian packages
 * (standin-images.sh), with the app image built from infra/Dockerfile. Grafana is left out (its
 * image is in no reachable registry): `up` names every other service. The fake Telegram and fake
 * OpenRouter run in this process; containers reach them through forwarders on the gateway address
 * of the test's own internal podman network (network.yml), so no traffic leaves the machine.
 * Needs root, podman, docker-compose, debootstrap (.ci/run installs them): npm run test:compose.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenRouter, startFakeOpenRouter } from "../support/fake-openrouter.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import {
  type Container,
  containers,
  driveHealthchecks,
  type Forwarder,
  forward,
  type PodmanService,
  run,
  runOk,
  startPodmanService,
} from "./engine.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PROJECT = "notesbot-compose-test";
const NETWORK = `${PROJECT}-net`;
const KEEPER = `${PROJECT}-keeper`;
/** Every service but Grafana. */
const SERVICES = ["postgres", "redis", "migrate", "backup", "gateway", "worker", "prometheus"];
const WORKERS = 2;
/**
 * Prometheus at its container's address: the host is on the test's bridge, and podman forwards no
 * published port into an internal network (127.0.0.1:9090 is only that, on a normal network).
 */
let prometheus = "";
/** Grafana's $__rate_interval for Prometheus' 15 s scrape interval. */
const RATE_INTERVAL = "1m";

const TMP = mkdtempSync(join(tmpdir(), "notesbot-compose-"));
const figures: string[] = [];
const figure = (line: string) => {
  figures.push(line);
  console.log(`[compose] ${line}`);
};

let podman: PodmanService | undefined;
let health: { stop(): Promise<void> } | undefined;
let telegram: FakeTelegram;
let openrouter: FakeOpenRouter;
const forwarders: Forwarder[] = [];
let env: NodeJS.ProcessEnv;
/** An empty --env-file: a developer's own .env must not change the test's stack. */
const ENV_FILE = join(TMP, "empty.env");
let user: User;
const NOTE = "купить молоко в контейнере";

const compose = (args: string[], timeoutMs = 120_000) =>
  run(
    "docker-compose",
    [
      "-p",
      PROJECT,
      "-f",
      "docker-compose.yml",
      "-f",
      "test/compose/network.yml",
      "--env-file",
      ENV_FILE,
      ...args,
    ],
    { cwd: ROOT, env, timeoutMs },
  );

async function composeOk(args: string[], timeoutMs?: number): Promise<string> {
  const result = await compose(args, timeoutMs);
  if (result.code !== 0) throw new Error(`${result.output}\n${await logs()}`);
  return result.stdout;
}

/** The last lines of every container's log, for failure messages. */
async function logs(): Promise<string> {
  const result = await compose(["logs", "--no-color", "--tail", "40"], 60_000);
  return result.output;
}

/** Removes whatever a previous, interrupted run left: containers, volumes, the keeper, the network. */
async function removeLeftovers(): Promise<void> {
  const label = `label=com.docker.compose.project=${PROJECT}`;
  const ids = (await run("podman", ["ps", "-aq", "--filter", label])).stdout.split("\n").filter(Boolean);
  if (ids.length > 0) await run("podman", ["rm", "-f", "-t", "0", ...ids]);
  await run("podman", ["rm", "-f", "-t", "0", KEEPER]);
  const volumes = (await run("podman", ["volume", "ls", "-q", "--filter", label])).stdout
    .split("\n")
    .filter(Boolean);
  if (volumes.length > 0) await run("podman", ["volume", "rm", "-f", ...volumes]);
  await run("podman", ["network", "rm", "-f", NETWORK]);
}

/** Waits until `check` returns true, polling the engine every `everyMs`; fails with `failure()`. */
async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  failure: () => Promise<string>,
  everyMs = 1_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(await failure());
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

const byService = (all: Container[], service: string) => all.filter((c) => c.service === service);

/** Runs a command in the backup service's container (the postgres image: it has the client tools). */
async function inBackup(command: string[]): Promise<string> {
  const [backup] = byService(await containers(PROJECT), "backup");
  return runOk("podman", ["exec", backup?.id ?? "no backup container", ...command]);
}

/** The dumps in the backups volume, oldest first. */
const dumps = async () =>
  (await inBackup(["ls", "-1", "/backups"])).split("\n").filter((f) => /^notesbot-.+\.dump$/.test(f));

/** Waits for the gateway and every worker to report healthy; returns how long that took. */
async function waitHealthy(since: number): Promise<number> {
  let last: Container[] = [];
  await until(
    async () => {
      last = await containers(PROJECT);
      const gateway = byService(last, "gateway");
      const workers = byService(last, "worker");
      return (
        gateway.length === 1 &&
        workers.length === WORKERS &&
        [...gateway, ...workers].every((c) => c.health === "healthy")
      );
    },
    180_000,
    async () =>
      `not healthy: ${JSON.stringify(last.map((c) => [c.name, c.status, c.health, c.exitCode]))}\n${await logs()}`,
  );
  return Date.now() - since;
}

/** Sends `text` as the test's user and returns the bot's next reply. */
async function say(text: string, timeoutMs = 30_000): Promise<string> {
  const before = telegram.sentTo(user.id).length;
  telegram.sendText(user, text);
  const [reply] = await telegram.repliesTo(user.id, 1, before, timeoutMs);
  return String(reply?.payload.text ?? "");
}

const getJson = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${prometheus}${path}`, { signal: AbortSignal.timeout(10_000) })).json()) as T;

async function promQuery(expr: string): Promise<PromSample[]> {
  const body = await getJson<{ status: string; error?: string; data?: { result: PromSample[] } }>(
    `/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
  return body.data?.result ?? [];
}

async function imageSize(image: string): Promise<string> {
  const bytes = Number((await run("podman", ["image", "inspect", "--format", "{{.Size}}", image])).stdout);
  return `${Math.round(bytes / 1e6)} MB`;
}

beforeAll(async () => {
  const started = Date.now();
  await removeLeftovers();
  const standins = await runOk("bash", ["test/compose/standin-images.sh"], { cwd: ROOT, timeoutMs: 600_000 });
  const images = Object.fromEntries(
    standins
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => l.split("=") as [string, string]),
  );
  figure(`stand-in images ready in ${Math.round((Date.now() - started) / 1000)} s`);
  for (const image of Object.values(images)) figure(`${image}: ${await imageSize(image)}`);

  podman = await startPodmanService(TMP);
  await runOk("podman", ["network", "create", "--internal", NETWORK]);
  const gatewayIp = (
    await runOk("podman", [
      "network",
      "inspect",
      "--format",
      "{{range .Subnets}}{{.Gateway}}{{end}}",
      NETWORK,
    ])
  ).trim();
  // The network's bridge (and so its gateway address) exists only while a container is attached.
  await runOk("podman", [
    "run",
    "-d",
    "--rm",
    "--name",
    KEEPER,
    "--network",
    NETWORK,
    images.NODE_IMAGE ?? "",
    "sleep",
    "infinity",
  ]);

  [telegram, openrouter] = await Promise.all([FakeTelegram.start(), startFakeOpenRouter()]);
  const telegramPort = Number(new URL(telegram.apiRoot).port);
  const openrouterUrl = new URL(openrouter.baseUrl);
  const [toTelegram, toOpenrouter] = await Promise.all([
    forward(gatewayIp, telegramPort),
    forward(gatewayIp, Number(openrouterUrl.port)),
  ]);
  forwarders.push(toTelegram, toOpenrouter);

  writeFileSync(ENV_FILE, "");
  env = {
    PATH: process.env.PATH,
    HOME: TMP,
    DOCKER_HOST: podman.dockerHost,
    // docker-compose's API timeout must outlast the longest stop_grace_period.
    COMPOSE_HTTP_TIMEOUT: "300",
    COMPOSE_TEST_NETWORK: NETWORK,
    ...images,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: toTelegram.url,
    OPENROUTER_API_KEY: "test-openrouter-key",
    OPENROUTER_BASE_URL: `${toOpenrouter.url}${openrouterUrl.pathname}`,
  };
  health = driveHealthchecks(PROJECT);
  user = telegram.newUser("Контейнер");
}, 660_000);

afterAll(async () => {
  if (env) {
    const down = await compose(["down", "-v", "--remove-orphans"], 300_000);
    if (down.code !== 0) console.error(down.output);
  }
  await health?.stop();
  await run("podman", ["rm", "-f", "-t", "0", KEEPER]);
  await run("podman", ["network", "rm", "-f", NETWORK]);
  await podman?.stop();
  await Promise.all([...forwarders.map((f) => f.close()), telegram?.close(), openrouter?.close()]);
  rmSync(TMP, { recursive: true, force: true });
  console.log(`[compose] figures:\n  ${figures.join("\n  ")}`);
}, 360_000);

const up = (extra: string[]) =>
  composeOk(["up", "-d", ...extra, "--scale", `worker=${WORKERS}`, ...SERVICES], 420_000);

describe("docker compose up --build on podman, with stand-in base images", () => {
  it("builds the app image, migrates once and brings gateway and both workers up healthy", async () => {
    const started = Date.now();
    await up(["--build"]);
    figure(`up --build returned after ${Math.round((Date.now() - started) / 1000)} s`);
    figure(`stack healthy ${Math.round((await waitHealthy(started)) / 1000)} s after up --build started`);
    for (const service of ["migrate", "gateway", "worker"])
      figure(`app image ${PROJECT}_${service}: ${await imageSize(`${PROJECT}_${service}`)}`);

    const all = await containers(PROJECT);
    const migrate = byService(all, "migrate");
    expect(migrate.map((c) => [c.status, c.exitCode])).toEqual([["exited", 0]]);
    expect(byService(all, "postgres").map((c) => c.health)).toEqual(["healthy"]);
    expect(byService(all, "redis").map((c) => c.health)).toEqual(["healthy"]);
  }, 480_000);

  it("has the backup service dump the migrated database into the backups volume at its first start", async () => {
    let files: string[] = [];
    await until(
      async () => {
        files = await dumps();
        return files.length > 0;
      },
      120_000,
      async () => `no dump in /backups: ${JSON.stringify(files)}\n${await logs()}`,
    );
    expect(files).toHaveLength(1);
    const contents = await inBackup(["pg_restore", "--list", `/backups/${files[0]}`]);
    expect(contents).toMatch(/TABLE DATA public notes /);
    const log = (await compose(["logs", "--no-color", "backup"])).stdout;
    expect(log).toMatch(/backup: wrote \/backups\/notesbot-\S+\.dump \(\d+ bytes\)/);
    expect(log).toMatch(/backup: next dump at 03:00 UTC, in \d+ s/);
  }, 180_000);

  it("answers /note_add and /ask sent through the fake Telegram", async () => {
    expect(await say(`/note_add ${NOTE}`)).toMatch(/^Заметка #\d+ сохранена\.$/);
    const before = telegram.sentTo(user.id).length;
    telegram.sendText(user, "/ask сколько будет два плюс два?");
    const [placeholder] = await telegram.repliesTo(user.id, 1, before, 30_000);
    expect(String(placeholder?.payload.text)).toMatch(/^⏳/);
    const answer = await telegram.waitForText(
      user.id,
      placeholder?.messageId ?? -1,
      (text) => !text.startsWith("⏳") && !text.endsWith("▌"),
      60_000,
    );
    expect(answer).toContain("Ответ: сколько будет два плюс два?");
    expect(openrouter.requests.at(-1)?.headers.authorization).toBe("Bearer test-openrouter-key");
  }, 120_000);

  it("has Prometheus scrape the gateway and both worker replicas, and the dashboard's queries return data", async () => {
    prometheus = `http://${byService(await containers(PROJECT), "prometheus")[0]?.ip}:9090`;
    let targets: { labels: { job: string; instance: string }; health: string }[] = [];
    await until(
      async () => {
        const body = await getJson<{ data: { activeTargets: typeof targets } }>(
          "/api/v1/targets?state=active",
        );
        targets = body.data.activeTargets;
        const up = (job: string) => targets.filter((t) => t.labels.job === job && t.health === "up").length;
        return up("gateway") === 1 && up("worker") === WORKERS;
      },
      120_000,
      async () =>
        `targets: ${JSON.stringify(targets.map((t) => [t.labels.job, t.labels.instance, t.health]))}`,
    );
    const workerIps = byService(await containers(PROJECT), "worker").map((c) => `${c.ip}:9102`);
    expect(
      targets
        .filter((t) => t.labels.job === "worker")
        .map((t) => t.labels.instance)
        .sort(),
    ).toEqual(workerIps.sort());

    // The alerting rules mounted from infra/prometheus/rules are loaded.
    const rules = await getJson<{ data: { groups: { rules: { name: string }[] }[] } }>("/api/v1/rules");
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(
      expect.arrayContaining(["TargetDown", "NoWorkerUp", "AskErrorRateHigh"]),
    );

    // The ask above is in Prometheus once a scrape after it has happened, and a rate needs two.
    await until(
      async () => (await promQuery(`sum(rate(ask_duration_seconds_count[${RATE_INTERVAL}]))`)).length > 0,
      90_000,
      async () => "no ask_duration_seconds_count in Prometheus",
      5_000,
    );
    const dashboard = JSON.parse(
      readFileSync(join(ROOT, "infra/grafana/dashboards/bot-overview.json"), "utf8"),
    ) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const queries = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({
        panel: panel.title,
        expr: t.expr.replaceAll("$__rate_interval", RATE_INTERVAL),
      })),
    );
    // A query may be empty only when no target exports its metrics at all (a counter of errors that
    // never happened); a query over a metric the stack does export must return data.
    const exported = new Set((await getJson<{ data: string[] }>("/api/v1/label/__name__/values")).data);
    const metricsOf = (expr: string) =>
      [...expr.matchAll(/([a-z_][a-z0-9_]*)\s*[{[)]/g)].map((m) => m[1] ?? "");
    // Each target is scraped on its own schedule: the gateway's rates may need a scrape more than the
    // worker's above, so the check is repeated (bounded) until every such query has data.
    let empty: string[] = [];
    await until(
      async () => {
        empty = [];
        for (const { panel, expr } of queries)
          if ((await promQuery(expr)).length === 0 && metricsOf(expr).some((m) => exported.has(m)))
            empty.push(`${panel}: ${expr}`);
        return empty.length === 0;
      },
      60_000,
      async () => `dashboard queries without data: ${JSON.stringify(empty)}`,
      5_000,
    );
    expect(empty).toEqual([]);
    figure(
      `dashboard queries: ${queries.length}; over metrics no target exports yet: ${
        queries
          .filter((q) => !metricsOf(q.expr).some((m) => exported.has(m)))
          .map((q) => q.panel)
          .join(", ") || "none"
      }`,
    );
    const value = async (expr: string) => (await promQuery(expr)).map((s) => [s.metric, Number(s.value[1])]);
    expect(await value('sum by (job) (up{job=~"gateway|worker"})')).toEqual(
      expect.arrayContaining([
        [{ job: "gateway" }, 1],
        [{ job: "worker" }, WORKERS],
      ]),
    );
    expect(await value("sum(ask_jobs_enqueued_total)")).toEqual([[{}, 1]]);
    expect(await value('sum by (outcome) (ask_duration_seconds_count{outcome="ok"})')).toEqual([
      [{ outcome: "ok" }, 1],
    ]);
  }, 240_000);

  // Exit code 0 is the proof of "within its grace period": past it podman sends SIGKILL (exit 137).
  it("stops every container with exit code 0 within its grace period on docker compose down", async () => {
    const running = (await containers(PROJECT)).filter((c) => c.running);
    expect(running.map((c) => c.service).sort()).toEqual(
      [...SERVICES.filter((s) => s !== "migrate"), ...Array(WORKERS - 1).fill("worker")].sort(),
    );
    const events = spawn("podman", [
      "events",
      "--format",
      "json",
      "--filter",
      "type=container",
      "--filter",
      "event=died",
    ]);
    const died = new Map<string, { exitCode: number; afterMs: number }>();
    const started = Date.now();
    let buffered = "";
    events.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as { ID: string; ContainerExitCode?: number };
        // podman leaves the field out when it is 0.
        died.set(event.ID, { exitCode: event.ContainerExitCode ?? 0, afterMs: Date.now() - started });
      }
    });
    // Give `podman events` a moment to subscribe before anything dies.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const down = await compose(["down"], 180_000);
    figure(`down took ${Math.round((Date.now() - started) / 1000)} s`);
    await until(
      async () => running.every((c) => died.has(c.id)),
      10_000,
      async () => `died events for ${[...died.keys()].length} of ${running.length}`,
      200,
    );
    events.kill("SIGTERM");
    expect(down.code, down.output).toBe(0);
    expect(await containers(PROJECT)).toEqual([]);
    expect(running.map((c) => [c.name, died.get(c.id)?.exitCode])).toEqual(running.map((c) => [c.name, 0]));
    figure(
      `stopped after (s): ${running.map((c) => `${c.name} ${((died.get(c.id)?.afterMs ?? 0) / 1000).toFixed(1)}`).join(", ")}`,
    );
  }, 240_000);

  it("finds the note again after a second up (the volumes were kept)", async () => {
    const started = Date.now();
    await up([]);
    figure(`second up healthy in ${Math.round((await waitHealthy(started)) / 1000)} s`);
    expect(byService(await containers(PROJECT), "migrate").map((c) => c.exitCode)).toEqual([0]);
    expect(await say("/note_list")).toContain(NOTE);

    // The backups volume was kept too, and its dump is less than a day old: none at this start-up.
    await until(
      async () => (await compose(["logs", "--no-color", "backup"])).stdout.includes("next dump at"),
      60_000,
      logs,
    );
    expect((await compose(["logs", "--no-color", "backup"])).stdout).toContain(
      "the newest dump is less than a day old: none at start-up",
    );
    expect(await dumps()).toHaveLength(1);
    // docs/operations.md: a dump now, with the note in it.
    await inBackup(["sh", "/backup/backup.sh", "once"]);
    const files = await dumps();
    expect(files).toHaveLength(2);
    const notes = await inBackup([
      "pg_restore",
      "--data-only",
      "--table=notes",
      "--file=-",
      `/backups/${files[1]}`,
    ]);
    expect(notes).toContain(NOTE);
  }, 300_000);
});

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}
