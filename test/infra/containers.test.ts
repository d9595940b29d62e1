/** The container stack: docker-compose.yml (validated by `docker-compose config`) and infra/Dockerfile. */
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Run, readPrometheusConfig, readYaml, repo, run, tempFolder } from "./tools.js";

const TMP = tempFolder();
const prometheus = readPrometheusConfig();
// ---------------------------------------------------------------------------------------------------
// docker-compose.yml

type Port = string | number | { host_ip?: string; published?: string | number; target?: number };
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  entrypoint?: string | string[];
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
    expect(String(service("backup").environment?.PGPASSWORD)).toBe(postgres);
  });

  it("passes every variable of .env.example through to the app, from the environment or .env", () => {
    const example = readFileSync(repo(".env.example"), "utf8");
    const variables = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? "");
    const composeOnly = ["POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "BACKUP_AT", "BACKUP_KEEP"];
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
      ["backup", "gateway", "grafana", "migrate", "postgres", "prometheus", "redis", "worker"].sort(),
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
      backup: "POSTGRES_IMAGE",
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
      expect(words(s.command), name).toBe(`services/${name}/dist/main.js`);
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
    expect(words(migrate.command)).toBe("shared/dist/db/migrate-cli.js");
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

  it("backs the database up with infra/backup/backup.sh into a named volume, after the migrations", () => {
    const backup = service("backup");
    const postgres = service("postgres");
    // The postgres image has pg_dump and pg_restore, of the server's own version.
    expect(backup.image).toBe(postgres.image);
    expect(backup.entrypoint).toEqual(["/bin/sh", "/backup/backup.sh"]);
    expect(mount(backup, "/backup")).toBe("./infra/backup:/backup:ro");
    expect(existsSync(repo("infra/backup/backup.sh"))).toBe(true);
    const volume = mount(backup, "/backups")?.split(":")[0] ?? "";
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    expect(backup.environment).toEqual({
      PGHOST: "postgres",
      PGUSER: postgres.environment?.POSTGRES_USER,
      PGPASSWORD: postgres.environment?.POSTGRES_PASSWORD,
      PGDATABASE: postgres.environment?.POSTGRES_DB,
      BACKUP_AT: `\${BACKUP_AT:-}`,
      BACKUP_KEEP: `\${BACKUP_KEEP:-}`,
    });
    expect(dependsOn(backup)).toEqual({
      migrate: { condition: "service_completed_successfully" },
      postgres: { condition: "service_healthy" },
    });
    expect(backup.restart).toBe("unless-stopped");
    expect(backup.ports).toBeUndefined();
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
    expect(JSON.parse(cmd.slice(4))).toEqual(["services/gateway/dist/main.js"]);
  });

  it("runs the services with the V8 flags of package.json's config.nodeFlags, as the npm scripts do", () => {
    const pkg = JSON.parse(readFileSync(repo("package.json"), "utf8")) as {
      config: { nodeFlags: string };
      scripts: Record<string, string>;
    };
    const flags = pkg.config.nodeFlags.split(" ");
    expect(flags).toContain("--no-maglev");
    expect(flags.some((f) => /^--max-old-space-size=\d+$/.test(f))).toBe(true);
    const entrypoint = runtime.filter((l) => l.startsWith("ENTRYPOINT ")).at(-1) ?? "";
    expect(JSON.parse(entrypoint.slice("ENTRYPOINT ".length))).toEqual(["node", ...flags]);
    expect(runtime.some((l) => l.includes("NODE_OPTIONS"))).toBe(false);
    for (const name of ["gateway", "worker"]) {
      expect(pkg.scripts[name]).toBe(`node $npm_package_config_nodeFlags services/${name}/dist/main.js`);
      // The compose services run the image's entrypoint, not another node command line.
      const s = service(name) as { entrypoint?: unknown; environment?: Record<string, unknown> };
      expect(s.entrypoint, name).toBeUndefined();
      expect(s.environment?.NODE_OPTIONS, name).toBeUndefined();
    }
  });

  it("keeps secrets, dependencies and build output out of the build context", () => {
    const ignored = readFileSync(repo(".dockerignore"), "utf8").split("\n");
    for (const entry of ["**/node_modules", "**/dist", ".env", ".git"]) expect(ignored).toContain(entry);
    expect(ignored).not.toContain("migrations");
  });
});
