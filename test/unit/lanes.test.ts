import { describe, expect, it } from "vitest";
import { createLanes } from "../../services/gateway/src/intake/lanes.js";

/** Resolves once every promise reaction queued so far has run (nothing here waits on a timer). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A task that runs until `finish()` is called; records when it started. */
function gate(log: string[], name: string) {
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(name);
      await finished;
    },
    finish: () => finish(),
  };
}

describe("per-chat lanes", () => {
  it("one chat's waiting updates hold no slot: another chat's update runs while the first chat's queue is long", async () => {
    const lanes = createLanes({ maxWaiting: 1000, maxRunning: 2 });
    const log: string[] = [];
    const burst = Array.from({ length: 500 }, (_, i) => gate(log, `a${i}`));
    const runs = burst.map((g) => lanes.run(1, g.task));
    const other = gate(log, "b");
    const otherRun = lanes.run(2, other.task);
    await settled();
    // Chat 1 runs one at a time (its order); chat 2 got the second slot at once.
    expect(log).toEqual(["a0", "b"]);
    other.finish();
    expect(otherRun.refused).toBe(false);
    if (!otherRun.refused) await otherRun.done;
    for (const [i, g] of burst.entries()) {
      g.finish();
      const run = runs[i];
      if (run && !run.refused) await run.done;
    }
    expect(log.slice(2)).toEqual(burst.slice(1).map((_, i) => `a${i + 1}`));
  });

  it("at most maxRunning handlers at once across chats", async () => {
    const lanes = createLanes({ maxWaiting: 10, maxRunning: 3 });
    const log: string[] = [];
    const gates = Array.from({ length: 6 }, (_, i) => gate(log, `c${i}`));
    const runs = gates.map((g, i) => lanes.run(100 + i, g.task));
    await settled();
    expect(log).toEqual(["c0", "c1", "c2"]);
    gates[0]?.finish();
    const first = runs[0];
    if (first && !first.refused) await first.done;
    await settled();
    expect(log).toEqual(["c0", "c1", "c2", "c3"]);
    for (const g of gates) g.finish();
    await Promise.all(runs.map((r) => (r.refused ? undefined : r.done)));
    expect(log).toHaveLength(6);
  });

  it("a chat holding maxWaiting updates has the next refused, the first refusal of a burst marked", async () => {
    const lanes = createLanes({ maxWaiting: 2, maxRunning: 10 });
    const log: string[] = [];
    const [g1, g2] = [gate(log, "1"), gate(log, "2")];
    const admitted = [lanes.run(7, g1.task), lanes.run(7, g2.task)];
    const refusals = [lanes.run(7, async () => {}), lanes.run(7, async () => {})];
    expect(admitted.map((r) => r.refused)).toEqual([false, false]);
    expect(refusals).toEqual([
      { refused: true, first: true },
      { refused: true, first: false },
    ]);
    g1.finish();
    g2.finish();
    await Promise.all(admitted.map((r) => (r.refused ? undefined : r.done)));
    // Drained: a new burst is told again.
    const again = [lanes.run(7, g1.task), lanes.run(7, g2.task), lanes.run(7, async () => {})];
    expect(again[2]).toEqual({ refused: true, first: true });
  });
});
