import { performance } from "node:perf_hooks";
import type { BenchEnv } from "../support/env.js";
import { machineCpuSeconds } from "../support/process.js";
import { Fakes, Target } from "../support/stack.js";

export interface ThroughputResult {
  workers: number;
  asks: number;
  answered: number;
  seconds: number;
  asksPerSecond: number;
  peakRssMb: { gateway: number; worker: number };
  /**
   * CPU seconds per 1000 answered asks: gateway, workers, bench (this process: the fake Telegram and
   * OpenRouter), and the rest of the machine (PostgreSQL, Redis, anything else running).
   */
  cpuPer1000: { gateway: number; workers: number; bench: number; rest: number };
}

const USER_BASE = 910_000_000;

/**
 * Scenario 1: `asks` asks from `users` users queued at once, OpenRouter answering at once; throughput is
 * answered asks over the time from the first being queued to the last placeholder edited into its answer.
 */
export async function throughput(
  env: BenchEnv,
  options: { workers: number; asks: number; users: number; warmup: number },
): Promise<ThroughputResult> {
  const fakes = await Fakes.start();
  try {
    const target = await Target.ours(env, fakes, { workers: options.workers, concurrency: 64 });
    try {
      // Warm-up (connections, JIT) with other users, not measured.
      for (let i = 0; i < options.warmup; i++)
        fakes.tracker.send(USER_BASE + options.users + (i % 50), "/ask разминка");
      await fakes.tracker.settled(performance.now() + 60_000);

      const tracker = fakes.resetTracker();
      const cpuBefore = target.cpuSeconds();
      const benchBefore = process.cpuUsage();
      const machineBefore = machineCpuSeconds();
      const start = performance.now();
      for (let i = 0; i < options.asks; i++)
        tracker.send(USER_BASE + (i % options.users), `/ask вопрос номер ${i}?`);
      await tracker.settled(start + 120_000);
      const cpuAfter = target.cpuSeconds();
      const benchUsage = process.cpuUsage(benchBefore);
      const machine = machineCpuSeconds() - machineBefore;

      const done = tracker.commands.filter((c) => c.doneAt !== undefined && !c.failed);
      if (done.length < options.asks || tracker.stray > 0)
        throw new Error(
          `throughput: ${done.length} of ${options.asks} asks answered, ${tracker.stray} stray messages`,
        );
      const seconds = (Math.max(...done.map((c) => c.doneAt as number)) - start) / 1000;
      const per1000 = (cpu: number) => (cpu / done.length) * 1000;
      const gateway = cpuAfter.gateway - cpuBefore.gateway;
      const workers = cpuAfter.workers - cpuBefore.workers;
      const bench = (benchUsage.user + benchUsage.system) / 1e6;
      return {
        workers: options.workers,
        asks: options.asks,
        answered: done.length,
        seconds,
        asksPerSecond: done.length / seconds,
        peakRssMb: target.peakRss(),
        cpuPer1000: {
          gateway: per1000(gateway),
          workers: per1000(workers),
          bench: per1000(bench),
          rest: per1000(Math.max(0, machine - gateway - workers - bench)),
        },
      };
    } finally {
      await target.stop();
    }
  } finally {
    await fakes.close();
  }
}
