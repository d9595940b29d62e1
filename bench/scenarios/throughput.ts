import { performance } from "node:perf_hooks";
import { CpuMeter, type CpuSplit, perThousand } from "../support/cpu.js";
import type { BenchEnv } from "../support/env.js";
import { RedisCommands, RedisRoundTrips, totalOf } from "../support/redis-commands.js";
import { type CodeBefore, Fakes, Target } from "../support/stack.js";

export interface ThroughputResult {
  workers: number;
  asks: number;
  answered: number;
  seconds: number;
  asksPerSecond: number;
  peakRssMb: { gateway: number; worker: number };
  /** CPU seconds per 1000 answered asks, by who used them. */
  cpuPer1000: CpuSplit;
  /** Cores used on average during the run by other processes on the machine. */
  otherCores: number;
  /** Redis commands executed during the run (INFO commandstats), per answered ask, and by command. */
  redisCommandsPerAsk: number;
  redisCommands: Record<string, number>;
  /** Commands the bot's processes sent Redis per ask during the warm-up (MONITOR), not counting those inside scripts. */
  redisRoundTripsPerAsk: number;
}

const USER_BASE = 910_000_000;

/**
 * Scenario 1: `asks` asks from `users` users queued at once, OpenRouter answering at once; throughput is
 * answered asks over the time from the first being queued to the last placeholder edited into its answer.
 * With `before`, the bot under test is the code before instead of ours.
 */
export async function throughput(
  env: BenchEnv,
  options: { workers: number; asks: number; users: number; warmup: number; before?: CodeBefore },
): Promise<ThroughputResult> {
  const fakes = await Fakes.start();
  try {
    const target = await Target.ours(env, fakes, {
      workers: options.workers,
      concurrency: 64,
      ...(options.before ? { before: options.before } : {}),
    });
    try {
      // Warm-up (connections, JIT) with other users, not measured but for the bot's Redis round trips.
      const roundTrips = await RedisRoundTrips.start(target.queuePrefix);
      for (let i = 0; i < options.warmup; i++)
        fakes.tracker.send(USER_BASE + options.users + (i % 50), "/ask разминка");
      await fakes.tracker.settled(performance.now() + 60_000);
      const redisRoundTripsPerAsk = roundTrips.stop() / options.warmup;

      const tracker = fakes.resetTracker();
      const commands = await RedisCommands.start();
      const cpu = await CpuMeter.start(target);
      const start = performance.now();
      for (let i = 0; i < options.asks; i++)
        tracker.send(USER_BASE + (i % options.users), `/ask вопрос номер ${i}?`);
      await tracker.settled(start + 120_000);
      const used = await cpu.split();
      const redisCommands = await commands.stop();
      const wallSeconds = (performance.now() - start) / 1000;

      const done = tracker.commands.filter((c) => c.doneAt !== undefined && !c.failed);
      const failed = tracker.commands.find((c) => c.failed)?.failed;
      if (done.length < options.asks || tracker.stray > 0)
        throw new Error(
          `throughput: ${done.length} of ${options.asks} asks answered, ${tracker.stray} stray messages` +
            (failed ? `; one ended with ${JSON.stringify(failed)}` : ""),
        );
      const seconds = (Math.max(...done.map((c) => c.doneAt as number)) - start) / 1000;
      return {
        workers: options.workers,
        asks: options.asks,
        answered: done.length,
        seconds,
        asksPerSecond: done.length / seconds,
        peakRssMb: target.peakRss(),
        cpuPer1000: perThousand(used, done.length),
        otherCores: used.other / wallSeconds,
        redisCommandsPerAsk: totalOf(redisCommands) / done.length,
        redisCommands,
        redisRoundTripsPerAsk,
      };
    } finally {
      await target.stop();
    }
  } finally {
    await fakes.close();
  }
}
