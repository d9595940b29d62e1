import { performance } from "node:perf_hooks";
import pg from "pg";
import { createNotesRetrieval } from "../../services/gateway/src/features/notes/retrieval.js";
import type { BenchEnv } from "../support/env.js";
import { Fakes, Target } from "../support/stack.js";
import { percentile, type Sample } from "../support/stats.js";
import { latencies } from "../support/tracker.js";

export interface ScaleOptions {
  notes: number;
  users: number;
  /** Notes of the one heavy user, whose commands are measured. */
  heavyNotes: number;
  /** Commands of each kind per pass, sent one after another. */
  commands: number;
  passes: number;
}

export const SCALE_COMMANDS = ["/note_list", "/note_count", "/note_stats 30", "/note_find кварц"] as const;

/**
 * Questions for `/ask_notes` retrieval, in turn: words in every note of the heavy user, in 1% of them, in
 * none of theirs but in every other user's notes (the planner's trap), and in no note at all.
 */
export const RETRIEVAL_QUESTIONS = [
  "когда я покупал молоко?",
  "где мой кварц?",
  "позвонить маме",
  "драконы летают",
] as const;

export interface ScaleResult {
  populateSeconds: number;
  /** Per pass, per command: p50 and p99 from delivery to reply. */
  passes: Record<string, { p50: Sample; p99: Sample }>[];
  /** Per pass: the retrieval query's own time (in-process, one connection), p50 and p99 over every question. */
  retrieval: { p50: Sample; p99: Sample }[];
}

const HEAVY_USER = 950_000_000;
const YEAR_S = 365 * 24 * 3600;

/**
 * Fills a database of its own: `heavyNotes` notes of one user over the last year, 1% of them with the
 * word "кварц", and the rest spread over `users - 1` other users. Secondary indexes are dropped for the
 * load and rebuilt from their own definitions after it, then VACUUM ANALYZE (what autovacuum would do).
 */
async function populate(databaseUrl: string, options: ScaleOptions): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query("SET maintenance_work_mem = '256MB'");
    const { rows: indexes } = await db.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'notes' AND indexname <> 'notes_pkey'",
    );
    for (const { indexname } of indexes) await db.query(`DROP INDEX ${pg.escapeIdentifier(indexname)}`);
    await db.query(
      `INSERT INTO notes (user_id, chat_id, text, created_at, updated_at)
       SELECT $1::bigint, $1::bigint, format('Заметка %s: купить молоко и хлеб%s', g, CASE WHEN g % 100 = 0 THEN ', кварц' ELSE '' END),
              now() - g * $3::int * interval '1 second', now()
       FROM generate_series(1, $2::int) AS g`,
      [HEAVY_USER, options.heavyNotes, Math.floor(YEAR_S / options.heavyNotes)],
    );
    await db.query(
      `INSERT INTO notes (user_id, chat_id, text, created_at, updated_at)
       SELECT $1::bigint + 1 + g % $3::int, $1::bigint + 1 + g % $3::int, format('Заметка %s: позвонить маме', g),
              now() - (g::bigint * 7919 % $4::int) * interval '1 second', now()
       FROM generate_series(1, $2::int) AS g`,
      [HEAVY_USER, options.notes - options.heavyNotes, options.users - 1, YEAR_S],
    );
    for (const { indexdef } of indexes) await db.query(indexdef);
    await db.query("VACUUM ANALYZE notes");
  } finally {
    await db.end();
  }
}

/** Scenario 4: note commands of a user with many notes, in a large table, through the real gateway. */
export async function scale(env: BenchEnv, options: ScaleOptions): Promise<ScaleResult> {
  const databaseUrl = await env.createDatabase();
  const populateStart = performance.now();
  await populate(databaseUrl, options);
  const populateSeconds = (performance.now() - populateStart) / 1000;

  const fakes = await Fakes.start();
  try {
    const target = await Target.ours(env, fakes, { workers: 0, concurrency: 1, databaseUrl });
    try {
      const run = async (iterations: number) => {
        const tracker = fakes.resetTracker();
        for (let i = 0; i < iterations; i++) {
          for (const text of SCALE_COMMANDS) {
            await tracker.done(tracker.send(HEAVY_USER, text));
          }
        }
        if (tracker.stray > 0) throw new Error(`scale: ${tracker.stray} replies to no command`);
        return tracker;
      };
      await run(10); // warm-up
      const passes: ScaleResult["passes"] = [];
      for (let pass = 0; pass < options.passes; pass++) {
        const tracker = await run(options.commands);
        passes.push(
          Object.fromEntries(
            SCALE_COMMANDS.map((text) => {
              const name = text.split(" ")[0]?.slice(1);
              const samples = latencies(
                tracker.commands.filter((c) => c.name === name),
                performance.now(),
              );
              return [text, { p50: percentile(samples, 50), p99: percentile(samples, 99) }];
            }),
          ),
        );
      }
      return { populateSeconds, passes, retrieval: await measureRetrieval(databaseUrl, options) };
    } finally {
      await target.stop();
    }
  } finally {
    await fakes.close();
  }
}

/** `/ask_notes` retrieval for the heavy user, timed around the call, `commands` questions per pass. */
async function measureRetrieval(
  databaseUrl: string,
  options: ScaleOptions,
): Promise<ScaleResult["retrieval"]> {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const retrieval = createNotesRetrieval(db);
    const timed = async (count: number) => {
      const samples: Sample[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await retrieval.relevant(HEAVY_USER, RETRIEVAL_QUESTIONS[i % RETRIEVAL_QUESTIONS.length] as string);
        samples.push({ ms: performance.now() - started, censored: false });
      }
      return samples;
    };
    await timed(20); // warm-up
    const passes: ScaleResult["retrieval"] = [];
    for (let pass = 0; pass < options.passes; pass++) {
      const samples = await timed(options.commands);
      passes.push({ p50: percentile(samples, 50), p99: percentile(samples, 99) });
    }
    return passes;
  } finally {
    await db.end();
  }
}
