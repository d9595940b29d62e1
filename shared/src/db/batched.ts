/**
 * Coalesces many calls into few statements: one write (or read) at a time, and the items that arrive
 * while it runs go together in the next one. A lone call runs at once (or, for bookkeeping nobody
 * waits for, after `lingerMs`, gathering the calls of that moment), and under load each statement
 * carries everything that piled up meanwhile.
 */

/**
 * `run(items)` for many calls at once. Each call resolves (a write with nothing, `R` left out; a read
 * with its item's entry of the array `run` resolves with, in the items' order) or rejects with the
 * error of the statement that carried it. When a statement of several items fails with an error for
 * which `alone(error)` holds (one item's data was refused), each item is run again by itself, in order,
 * so that only the refused one fails. With `lingerMs`, a statement waits that long after its first item.
 */
export function batched<T, R = undefined>(
  run: (items: T[]) => Promise<Results<R>>,
  { alone = () => false, lingerMs = 0 }: BatchOptions = {},
): (item: T) => Promise<R> {
  const runAll = async (items: T[]): Promise<Outcome<R>[]> => {
    try {
      const results = await run(items);
      return items.map((_, i) => ({ ok: true, value: entry(results, i) }));
    } catch (error) {
      if (items.length === 1 || !alone(error)) return items.map(() => ({ ok: false, error }));
      const outcomes: Outcome<R>[] = [];
      for (const item of items) {
        outcomes.push(
          await run([item]).then(
            (results): Outcome<R> => ({ ok: true, value: entry(results, 0) }),
            (failure: unknown): Outcome<R> => ({ ok: false, error: failure }),
          ),
        );
      }
      return outcomes;
    }
  };

  let next: { items: T[]; done: Promise<Outcome<R>[]> } | undefined;
  let previous: Promise<unknown> = Promise.resolve();
  return (item) => {
    if (next === undefined) {
      const items: T[] = [];
      const done = previous
        .then(() => (lingerMs > 0 ? new Promise((resolve) => setTimeout(resolve, lingerMs)) : undefined))
        .then(() => {
          next = undefined;
          return runAll(items);
        });
      next = { items, done };
      previous = done;
    }
    const index = next.items.push(item) - 1;
    return next.done.then((outcomes) => {
      const outcome = outcomes[index] as Outcome<R>;
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    });
  };
}

const entry = <R>(results: Results<R>, index: number): R =>
  (Array.isArray(results) ? results[index] : undefined) as R;

type Results<R> = [R] extends [undefined] ? unknown : readonly R[];
type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface BatchOptions {
  /** True for an error that one item's data caused: the items of that statement run again one by one. */
  alone?: (error: unknown) => boolean;
  /** How long a statement waits after its first item for others to join it (0: it runs at once). */
  lingerMs?: number;
}
