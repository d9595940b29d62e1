/** A latency; `censored` when the reply had not come by the end of the run (then `ms` is a lower bound). */
export interface Sample {
  ms: number;
  censored: boolean;
}

/** Nearest-rank percentile (`p` in 0–100) of samples; censored ones sort by their lower bound. */
export function percentile(samples: readonly Sample[], p: number): Sample {
  if (samples.length === 0) return { ms: Number.NaN, censored: false };
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as Sample;
}

/** One figure over several runs: the median, and the spread. */
export interface Figure {
  runs: number[];
  median: number;
  min: number;
  max: number;
  /** Set when some run's value is only a bound: "≥" for latencies whose replies were still missing. */
  bound?: "≥" | "≤";
}

export function figure(values: readonly (number | Sample)[], bound?: "≥" | "≤"): Figure {
  const samples = values.map((v) => (typeof v === "number" ? { ms: v, censored: false } : v));
  const runs = samples.map((s) => s.ms);
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    runs,
    median,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    ...(samples.some((s) => s.censored) ? { bound: "≥" as const } : bound ? { bound } : {}),
  };
}
