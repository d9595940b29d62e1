import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { CpuMeter, type CpuSplit, perThousand } from "../support/cpu.js";
import { type BenchEnv, REDIS_URL } from "../support/env.js";
import { Fakes, Target, type TargetKind } from "../support/stack.js";
import { percentile, type Sample } from "../support/stats.js";
import { type Command, latencies } from "../support/tracker.js";

export interface SteadyOptions {
  seconds: number;
  askRate: number;
  noteRate: number;
  /** OpenRouter's answer time. */
  latencyMs: number;
  /** How long after the load replies may still come before the run ends. */
  drainMs: number;
}

export interface SteadyResult {
  target: TargetKind;
  asks: { sent: number; answered: number; perSecond: number };
  notes: { sent: number; answered: number; perSecond: number };
  /** Delivery of the update to the answer's edit, less OpenRouter's `latencyMs`. */
  askOverhead: { p50: Sample; p95: Sample; p99: Sample };
  /** Delivery of the update to the reply. */
  note: { p50: Sample; p99: Sample };
  /**
   * Where an answered ask's overhead goes: delivery → placeholder sent, placeholder → request at
   * OpenRouter (for ours, of which in the queue: job added → taken by a worker), OpenRouter's answer → the edit.
   */
  askPhases: Record<AskPhase, { p50: Sample; p99: Sample }>;
  peakRssMb?: { gateway: number; worker: number };
  /** Cores used on average from the start of the load to the end of the run, by who used them. */
  cores: CpuSplit;
}

export const ASK_PHASES = ["placeholder", "toOpenRouter", "inQueue", "toEdit"] as const;
export type AskPhase = (typeof ASK_PHASES)[number];

const ASK_USERS = 500;
const NOTE_USERS = 100;
const NOTE_COMMANDS = ["/note_add Заметка: купить молоко и хлеб", "/note_list", "/note_count"];

/**
 * Scenarios 2 and 3: asks at `askRate`/s for `seconds` s with OpenRouter answering after `latencyMs`,
 * and meanwhile note commands from other users at `noteRate`/s, against our services or a baseline bot.
 */
export async function steady(env: BenchEnv, kind: TargetKind, options: SteadyOptions): Promise<SteadyResult> {
  const fakes = await Fakes.start();
  try {
    const target =
      kind === "ours"
        ? // One worker with room for every ask in flight (askRate × latency).
          await Target.ours(env, fakes, { workers: 1, concurrency: 256 })
        : await Target.baseline(env, fakes, kind);
    try {
      // Warm-up with OpenRouter answering at once (the sequential baseline would take minutes otherwise).
      fakes.latency(0);
      for (let i = 0; i < 30; i++) {
        fakes.tracker.send(940_000_000 + i, "/ask разминка");
        fakes.tracker.send(940_000_100 + i, NOTE_COMMANDS[i % 3] as string);
      }
      await fakes.tracker.settled(performance.now() + 30_000);

      fakes.latency(options.latencyMs);
      const tracker = fakes.resetTracker();
      const asks = options.seconds * options.askRate;
      const notes = options.seconds * options.noteRate;
      let asked = 0;
      let noted = 0;
      const cpu = await CpuMeter.start(target);
      const start = performance.now();
      while (asked < asks || noted < notes) {
        const elapsedS = (performance.now() - start) / 1000;
        for (; asked < Math.min(asks, elapsedS * options.askRate); asked++)
          tracker.send(920_000_000 + (asked % ASK_USERS), `/ask вопрос номер ${asked}?`);
        for (; noted < Math.min(notes, elapsedS * options.noteRate); noted++)
          tracker.send(930_000_000 + (noted % NOTE_USERS), NOTE_COMMANDS[noted % 3] as string);
        await sleep(2);
      }
      const loadSeconds = (performance.now() - start) / 1000;
      await tracker.settled(performance.now() + options.drainMs);
      const end = performance.now();
      // CPU seconds per 1000 ms of the run: cores.
      const cores = perThousand(await cpu.split(), end - start);

      if (tracker.stray > 0) throw new Error(`steady (${kind}): ${tracker.stray} replies to no command`);
      const askCommands = tracker.commands.filter((c) => c.kind === "ask");
      const noteCommands = tracker.commands.filter((c) => c.kind === "note");
      const failed = askCommands.find((c) => c.failed)?.failed;
      if (failed) throw new Error(`steady (${kind}): an ask ended with ${JSON.stringify(failed)}`);
      const overhead = latencies(askCommands, end, options.latencyMs);
      const note = latencies(noteCommands, end);
      const askPhases = phases(askCommands, fakes, options.latencyMs, await queueTimes(target));
      const answered = (list: typeof askCommands) => list.filter((c) => c.doneAt !== undefined).length;
      return {
        target: kind,
        asks: { sent: asks, answered: answered(askCommands), perSecond: asks / loadSeconds },
        notes: { sent: notes, answered: answered(noteCommands), perSecond: notes / loadSeconds },
        askOverhead: {
          p50: percentile(overhead, 50),
          p95: percentile(overhead, 95),
          p99: percentile(overhead, 99),
        },
        note: { p50: percentile(note, 50), p99: percentile(note, 99) },
        askPhases,
        cores,
        ...(kind === "ours" ? { peakRssMb: target.peakRss() } : {}),
      };
    } finally {
      await target.stop();
    }
  } finally {
    await fakes.close();
  }
}

/** Ours: how long each question's job waited in the queue (added → taken by a worker, ms), from BullMQ. */
async function queueTimes(target: Target): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  if (target.kind !== "ours") return times;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<{ question: string }>("ask", { connection, prefix: target.queuePrefix });
  try {
    for (const job of await queue.getJobs(["completed"]))
      if (job.processedOn) times.set(job.data.question, job.processedOn - job.timestamp);
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return times;
}

/** p50 and p99 of each phase of the answered asks, matched to OpenRouter's requests by their question. */
function phases(
  asks: Command[],
  fakes: Fakes,
  latencyMs: number,
  queued: Map<string, number>,
): SteadyResult["askPhases"] {
  const requestedAt = fakes.requestedAt();
  const samples: Record<AskPhase, Sample[]> = { placeholder: [], toOpenRouter: [], inQueue: [], toEdit: [] };
  for (const ask of asks) {
    const question = ask.text.replace(/^\/ask /, "");
    const requested = requestedAt.get(question);
    const inQueue = queued.get(question);
    if (inQueue !== undefined) samples.inQueue.push({ ms: inQueue, censored: false });
    const { deliveredAt, placeholderAt, doneAt } = ask;
    if (
      requested === undefined ||
      deliveredAt === undefined ||
      placeholderAt === undefined ||
      doneAt === undefined
    )
      continue;
    samples.placeholder.push({ ms: placeholderAt - deliveredAt, censored: false });
    samples.toOpenRouter.push({ ms: requested - placeholderAt, censored: false });
    samples.toEdit.push({ ms: doneAt - requested - latencyMs, censored: false });
  }
  const summary = (list: Sample[]) => ({ p50: percentile(list, 50), p99: percentile(list, 99) });
  return {
    placeholder: summary(samples.placeholder),
    toOpenRouter: summary(samples.toOpenRouter),
    inQueue: summary(samples.inQueue),
    toEdit: summary(samples.toEdit),
  };
}
