import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "../logging/index.js";

export interface MetricsServerOptions {
  port: number;
  registry: Registry;
  /** Dependencies /readyz checks; each resolves when reachable and rejects otherwise. */
  readiness: Record<string, () => Promise<unknown>>;
  logger: Logger;
}

const READINESS_TIMEOUT_MS = 2_000;

const withTimeout = (check: () => Promise<unknown>) =>
  Promise.race([
    check(),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error("timed out")), READINESS_TIMEOUT_MS).unref(),
    ),
  ]);

/** `/metrics` for Prometheus, `/healthz` (the process is up), `/readyz` (its dependencies answer). */
export async function startMetricsServer(options: MetricsServerOptions) {
  const { registry, readiness, logger } = options;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else if (path === "/readyz") {
      const names = Object.keys(readiness);
      void Promise.allSettled(
        names.map((name) => withTimeout(readiness[name] as () => Promise<unknown>)),
      ).then((results) => {
        const failing = names.filter((_, i) => results[i]?.status === "rejected");
        const body = Object.fromEntries(names.map((name) => [name, failing.includes(name) ? "down" : "up"]));
        res.writeHead(failing.length === 0 ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
    } else if (path === "/metrics") {
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        (error: unknown) => {
          logger.warn({ err: error }, "could not collect metrics");
          res.writeHead(500).end();
        },
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, resolve));
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, "metrics server listening");
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
