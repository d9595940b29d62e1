import { describe, expect, it, vi } from "vitest";
import { batched } from "../../shared/src/db/batched.js";

/** A statement that takes a moment, like a round trip to PostgreSQL; records what each one carried. */
function statements(refuse?: string) {
  const carried: string[][] = [];
  const run = async (items: string[]): Promise<readonly string[]> => {
    carried.push([...items]);
    await new Promise((resolve) => setImmediate(resolve));
    if (refuse !== undefined && items.includes(refuse))
      throw Object.assign(new Error("refused"), { code: "22021" });
    return items.map((item) => item.toUpperCase());
  };
  return { carried, run };
}

describe("batched statements", () => {
  it("runs a lone call at once, and the calls made while it runs in one statement after it", async () => {
    const { carried, run } = statements();
    const read = batched<string, string>(run);
    const first = read("a");
    // Once the first statement is under way, the next calls wait for it and go together.
    while (carried.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const rest = ["b", "c", "d"].map(read);
    expect(await Promise.all([first, ...rest])).toEqual(["A", "B", "C", "D"]);
    expect(carried).toEqual([["a"], ["b", "c", "d"]]);
  });

  it("fails only the refused item, the others run again alone, in order", async () => {
    const { carried, run } = statements("bad");
    const write = batched<string, string>(run, {
      alone: (error) => (error as { code?: string }).code === "22021",
    });
    const results = await Promise.allSettled(["x", "bad", "y"].map(write));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(carried).toEqual([["x", "bad", "y"], ["x"], ["bad"], ["y"]]);
  });

  it("fails every item of a statement that failed for another reason, without running them again", async () => {
    let up = false;
    let runs = 0;
    const write = batched<string, string>(async (items) => {
      runs++;
      if (!up) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      return items;
    });
    const results = await Promise.allSettled(["x", "y"].map(write));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(runs).toBe(1);
    // The next call is not held up by the failure.
    up = true;
    expect(await write("z")).toBe("z");
  });

  it("with a linger, gathers the calls of that moment into the first statement", async () => {
    vi.useFakeTimers();
    try {
      const { carried, run } = statements();
      const mark = batched<string, string>(run, { lingerMs: 20 });
      const first = mark("a");
      await vi.advanceTimersByTimeAsync(10);
      const second = mark("b");
      expect(carried).toEqual([]);
      await vi.advanceTimersByTimeAsync(10);
      expect(carried).toEqual([["a", "b"]]);
      await vi.runAllTimersAsync();
      expect(await Promise.all([first, second])).toEqual(["A", "B"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
