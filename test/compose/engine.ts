/**
 * The container engine of the compose test: podman's Docker-compatible API service, docker-compose
 * driving it, the health checks podman would otherwise schedule through systemd, the containers'
 * state, and TCP forwarders that let containers on the test's network reach the fakes on this host.
 * Everything stays on this machine: the network is podman's, internal (no route out), and the fakes
 * listen on 127.0.0.1 behind forwarders bound to that network's gateway address.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import { request } from "node:http";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";

/** Runs a command; never throws, so a failure shows the command's own output. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env,
        timeout: options.timeoutMs ?? 60_000,
        killSignal: "SIGTERM",
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({
          code,
          stdout,
          stderr,
          output: `${command} ${args.join(" ")}: exit ${code}\n${stdout}${stderr}`,
        });
      },
    );
  });
}

/** Like run(), but rejects with the command's output unless it exits 0. */
export async function runOk(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(result.output);
  return result.stdout;
}

/**
 * `podman system service` on a socket of its own; resolves once the API answers /_ping. Its log goes
 * to `<dir>/podman-service.log`.
 */
export async function startPodmanService(dir: string, timeoutMs = 30_000): Promise<PodmanService> {
  const socket = join(dir, "podman.sock");
  const log = openSync(join(dir, "podman-service.log"), "a");
  const child = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], {
    stdio: ["ignore", log, log],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(socket) && (await ping(socket)))) {
    if (child.exitCode !== null) throw new Error(`podman system service exited ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`podman's API did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    dockerHost: `unix://${socket}`,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/**
 * Runs `podman healthcheck run` for every running container of `project`, every `intervalMs`. Podman
 * schedules health checks through systemd timers; on a machine without systemd nothing runs them, and
 * docker-compose's `condition: service_healthy` would wait forever. The checks themselves are the
 * compose file's, and podman applies their retries and start periods.
 */
export function driveHealthchecks(project: string, intervalMs = 2_000): { stop(): Promise<void> } {
  let stopped = false;
  let wake: () => void = () => {};
  const loop = (async () => {
    while (!stopped) {
      const ids = (
        await run("podman", ["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`])
      ).stdout
        .split("\n")
        .filter((id) => id !== "");
      // A container without a health check answers with an error; that is fine.
      await Promise.all(ids.map((id) => run("podman", ["healthcheck", "run", id], { timeoutMs: 30_000 })));
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}

/** The state of every container of `project` (running or not), from `podman inspect`. */
export async function containers(project: string): Promise<Container[]> {
  const ids = (
    await runOk("podman", ["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])
  )
    .split("\n")
    .filter((id) => id !== "");
  if (ids.length === 0) return [];
  const inspected = JSON.parse(await runOk("podman", ["inspect", ...ids])) as Inspected[];
  return inspected.map((c) => ({
    id: c.Id,
    name: c.Name.replace(/^\//, ""),
    service: c.Config.Labels["com.docker.compose.service"] ?? "",
    running: c.State.Running,
    status: c.State.Status,
    exitCode: c.State.ExitCode,
    health: c.State.Health?.Status ?? c.State.Healthcheck?.Status,
    ip: Object.values(c.NetworkSettings.Networks ?? {})[0]?.IPAddress,
  }));
}

/** A TCP forwarder from `host`:(free port) to 127.0.0.1:`port`. */
export async function forward(host: string, port: number): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("forwarder has no port");
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The command, its exit code and everything it printed, for assertion messages. */
  output: string;
}

export interface PodmanService {
  /** The value for DOCKER_HOST. */
  dockerHost: string;
  stop(): Promise<void>;
}

export interface Container {
  id: string;
  name: string;
  /** The compose service it belongs to. */
  service: string;
  running: boolean;
  status: string;
  exitCode: number;
  /** "starting", "healthy", "unhealthy"; undefined without a health check. */
  health: string | undefined;
  ip: string | undefined;
}

export interface Forwarder {
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

interface Inspected {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string> };
  State: {
    Running: boolean;
    Status: string;
    ExitCode: number;
    Health?: { Status: string };
    Healthcheck?: { Status: string };
  };
  NetworkSettings: { Networks?: Record<string, { IPAddress?: string }> };
}
