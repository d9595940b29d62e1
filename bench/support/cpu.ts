import { Redis } from "ioredis";
import { REDIS_URL, withAdmin } from "./env.js";
import { machineCpuSeconds, pidCpuSeconds } from "./process.js";
import type { Target } from "./stack.js";

export interface CpuSplit {
  gateway: number;
  workers: number;
  /** This process: the fake Telegram and OpenRouter and the load. */
  bench: number;
  /** Backends serving the run's database. */
  postgres: number;
  /** The whole Redis server. */
  redis: number;
  /** Anything else the machine ran meanwhile (other users of it included). */
  other: number;
}

/** Snapshots of CPU time (seconds) by who used it, from /proc; `split()` gives what was used since `start()`. */
export class CpuMeter {
  private constructor(
    private readonly target: Target,
    private readonly redisPid: number,
    private readonly before: { split: CpuSplit; backends: Map<number, number>; machine: number },
  ) {}

  static async start(target: Target): Promise<CpuMeter> {
    const redis = new Redis(REDIS_URL);
    const redisPid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1] ?? 0);
    redis.disconnect();
    const meter = new CpuMeter(target, redisPid, {
      split: { gateway: 0, workers: 0, bench: 0, postgres: 0, redis: 0, other: 0 },
      backends: new Map(),
      machine: 0,
    });
    Object.assign(meter.before, await meter.now());
    return meter;
  }

  private async now() {
    const name = decodeURIComponent(new URL(this.target.databaseUrl).pathname.slice(1));
    const { rows } = await withAdmin((admin) =>
      admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [name]),
    );
    const backends = new Map(rows.map(({ pid }) => [pid, pidCpuSeconds(pid)]));
    const own = this.target.cpuSeconds();
    const bench = process.cpuUsage();
    const split: CpuSplit = {
      ...own,
      bench: (bench.user + bench.system) / 1e6,
      postgres: [...backends.values()].reduce((a, b) => a + b, 0),
      redis: pidCpuSeconds(this.redisPid),
      other: 0,
    };
    return { split, backends, machine: machineCpuSeconds() };
  }

  /** CPU seconds used since `start()`, by who used them. */
  async split(): Promise<CpuSplit> {
    const after = await this.now();
    const used = (key: keyof CpuSplit) => after.split[key] - this.before.split[key];
    // Backends opened after start() count from zero.
    let postgres = 0;
    for (const [pid, seconds] of after.backends) postgres += seconds - (this.before.backends.get(pid) ?? 0);
    const split = {
      gateway: used("gateway"),
      workers: used("workers"),
      bench: used("bench"),
      postgres,
      redis: used("redis"),
    };
    const known = Object.values(split).reduce((a, b) => a + b, 0);
    return { ...split, other: Math.max(0, after.machine - this.before.machine - known) };
  }
}

/** `split` per `count` things, times 1000 (CPU seconds per 1000 = CPU ms per one). */
export function perThousand(split: CpuSplit, count: number): CpuSplit {
  const f = (seconds: number) => (seconds / count) * 1000;
  return {
    gateway: f(split.gateway),
    workers: f(split.workers),
    bench: f(split.bench),
    postgres: f(split.postgres),
    redis: f(split.redis),
    other: f(split.other),
  };
}

/**
 * Waits (up to `maxWaitMs`) until the machine has been nearly idle for a second, so that a run does not
 * start in the middle of someone else's work on a shared machine; returns the cores that were busy.
 */
export async function awaitQuiet(maxWaitMs: number, idleBelowCores = 0.3): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const before = machineCpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy = machineCpuSeconds() - before;
    if (busy < idleBelowCores || Date.now() >= deadline) return busy;
  }
}
