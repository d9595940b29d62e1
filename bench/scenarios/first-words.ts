import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { BenchEnv } from "../support/env.js";
import { FloodControl } from "../support/flood.js";
import { type AnswerStream, Fakes, Target } from "../support/stack.js";
import { percentile, type Sample } from "../support/stats.js";
import type { Command } from "../support/tracker.js";

export interface FirstWordsOptions {
  /** Asks in private chats, and as many in groups (one group each). */
  asks: number;
  /** Asks sent per second, private and group ones alternating. */
  rate: number;
  stream: AnswerStream;
}

export interface FirstWordsResult {
  /** The model's first token (at the fake OpenRouter) → the first visible answer text in the chat. */
  private: { p50: Sample; p99: Sample; answered: number };
  group: { p50: Sample; p99: Sample; answered: number };
  /** The bot's chat calls by method, and how many flood control refused. */
  byMethod: FloodControl["byMethod"];
}

const USER_BASE = 970_000_000;
const GROUP_BASE = -1_009_700_000_000;

/**
 * First words: asks in private chats and in groups at a pace well inside Telegram's limits, flood
 * control on, drafts offered in private chats, OpenRouter streaming; per ask, from the moment the fake
 * OpenRouter writes the first token (its request's arrival plus one chunk delay) to the first draft or
 * edit of the placeholder carrying answer text (or the final answer, when no preview came first).
 */
export async function firstWords(env: BenchEnv, options: FirstWordsOptions): Promise<FirstWordsResult> {
  const fakes = await Fakes.start();
  try {
    fakes.streamAnswers(options.stream);
    fakes.telegram.drafts = true;
    const target = await Target.ours(env, fakes, { workers: 1, concurrency: 64, telegramBudget: true });
    try {
      // Warm-up (connections, JIT; drafts found available), from other users and groups.
      for (let i = 0; i < 6; i++) {
        const user = USER_BASE + 2 * options.asks + i;
        fakes.tracker.send(user, `/ask разминка ${i}`, i % 2 === 0 ? user : GROUP_BASE - options.asks - i);
      }
      await fakes.tracker.settled(performance.now() + 60_000);

      const tracker = fakes.resetTracker();
      const flood = new FloodControl();
      fakes.telegram.flood = flood;
      const asks: { command: Command; chat: "private" | "group" }[] = [];
      const start = performance.now();
      for (let i = 0; i < 2 * options.asks; i++) {
        const user = USER_BASE + i;
        const inGroup = i % 2 === 1;
        const command = tracker.send(user, `/ask вопрос номер ${i}?`, inGroup ? GROUP_BASE - i : user);
        asks.push({ command, chat: inGroup ? "group" : "private" });
        await sleep(Math.max(0, start + ((i + 1) * 1000) / options.rate - performance.now()));
      }
      await tracker.settled(performance.now() + 60_000);
      fakes.telegram.flood = undefined;

      const requestedAt = fakes.requestedAt();
      const summary = (chat: "private" | "group") => {
        const samples: Sample[] = [];
        for (const { command } of asks.filter((a) => a.chat === chat)) {
          const requested = requestedAt.get(command.text.replace(/^\/ask /, ""));
          if (requested === undefined || command.firstTextAt === undefined || command.failed) continue;
          const firstToken = requested + options.stream.chunkDelayMs;
          samples.push({ ms: command.firstTextAt - firstToken, censored: false });
        }
        return { p50: percentile(samples, 50), p99: percentile(samples, 99), answered: samples.length };
      };
      return { private: summary("private"), group: summary("group"), byMethod: flood.byMethod };
    } finally {
      await target.stop();
    }
  } finally {
    await fakes.close();
  }
}
