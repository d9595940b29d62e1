import { performance } from "node:perf_hooks";
import type { BenchEnv } from "../support/env.js";
import { FLOOD_LIMITS, FloodControl } from "../support/flood.js";
import { type AnswerStream, Fakes, streamMs, Target } from "../support/stack.js";
import type { Sample } from "../support/stats.js";

export interface BurstOptions {
  /** Users asking at once, one ask each, each in their private chat. */
  asks: number;
  stream: AnswerStream;
}

export interface BurstResult {
  asks: number;
  answered: number;
  /** The final texts of asks that did not end with the model's answer (the bot's error messages), by count. */
  failures: Record<string, number>;
  /** From the asks being sent to the last answer's final text (a lower bound when some never came). */
  allAnswered: Sample;
  /** What Telegram's limit allows: two calls per ask at `FLOOD_LIMITS.perSecond`, plus the model's time. */
  boundMs: number;
  /** The bot's chat calls during the burst, and how many flood control refused with 429. */
  calls: number;
  refused: number;
  byMethod: FloodControl["byMethod"];
}

const USER_BASE = 960_000_000;

/**
 * Scenario 6: `asks` users ask at once while the fake Telegram enforces its flood limits and OpenRouter
 * streams each answer; gateway + 1 worker with room for every ask (`WORKER_CONCURRENCY` = `asks`).
 * Drafts are not offered (as by default), so streamed previews are edits competing with placeholders
 * and answers for the same budget.
 */
export async function burst(env: BenchEnv, options: BurstOptions): Promise<BurstResult> {
  const fakes = await Fakes.start();
  try {
    fakes.streamAnswers(options.stream);
    const target = await Target.ours(env, fakes, {
      workers: 1,
      concurrency: options.asks,
      telegramBudget: true,
    });
    try {
      // Warm-up without flood control, from other users (connections, JIT; drafts found unavailable).
      for (let i = 0; i < 10; i++) fakes.tracker.send(USER_BASE + options.asks + i, `/ask разминка ${i}`);
      await fakes.tracker.settled(performance.now() + 60_000);

      const tracker = fakes.resetTracker();
      const flood = new FloodControl();
      fakes.telegram.flood = flood;
      const start = performance.now();
      for (let i = 0; i < options.asks; i++) tracker.send(USER_BASE + i, `/ask вопрос номер ${i}?`);
      await tracker.settled(start + 180_000);
      const end = performance.now();
      fakes.telegram.flood = undefined;

      const answered = tracker.commands.filter((c) => c.doneAt !== undefined && !c.failed);
      const failures: Record<string, number> = {};
      for (const { failed } of tracker.commands)
        if (failed !== undefined) failures[failed] = (failures[failed] ?? 0) + 1;
      const last = Math.max(start, ...answered.map((c) => c.doneAt as number));
      return {
        asks: options.asks,
        answered: answered.length,
        failures,
        allAnswered:
          answered.length === options.asks
            ? { ms: last - start, censored: false }
            : { ms: end - start, censored: true },
        boundMs: ((2 * options.asks) / FLOOD_LIMITS.perSecond) * 1000 + streamMs(options.stream),
        calls: flood.calls,
        refused: flood.refused,
        byMethod: flood.byMethod,
      };
    } finally {
      await target.stop();
    }
  } finally {
    await fakes.close();
  }
}
