import { existsSync, readdirSync, readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const V8_OWN = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);

/** A package or the project's code, when `url` belongs to one. */
function codeOwner(url: string): string | undefined {
  if (url.startsWith("node:internal/deps/undici")) return "fetch (undici)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) return pkg === "node-fetch" || pkg === "abort-controller" ? "grammy" : pkg; // grammY's HTTP client
  if (/\/(shared|services\/\w+)\/dist\//.test(url)) return "project code";
  return undefined;
}

/**
 * Who a sample's time is for: the nearest package (or the project's code) on its stack, so a socket
 * write counts for ioredis or grammy that made it; else the Node.js module, or V8's own work (GC).
 */
function owner(node: ProfileNode, parents: Map<number, ProfileNode>): string {
  const { url, functionName } = node.callFrame;
  if (V8_OWN.has(functionName)) return functionName;
  for (let frame: ProfileNode | undefined = node; frame; frame = parents.get(frame.id)) {
    const found = codeOwner(frame.callFrame.url);
    if (found) return found;
  }
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/").slice(0, 2).join("/")}`;
  return url === "" ? functionName : url;
}

/**
 * Busy time by owner, summed over the CPU profiles of processes named `name` in `dir` (idle time
 * left out), as shares of the total; the first `top` areas.
 */
export function summarizeProfiles(dir: string, name: string, top = 8): string {
  const totals = new Map<string, number>();
  for (const file of (existsSync(dir) ? readdirSync(dir) : []).filter((f) => f.startsWith(`${name}.`))) {
    const profile = JSON.parse(readFileSync(`${dir}/${file}`, "utf8")) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parents = new Map<number, ProfileNode>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      if (node === undefined || node.callFrame.functionName === "(idle)") return;
      const where = owner(node, parents);
      totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
  }
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  if (busy === 0) return `${name}: no profile`;
  const lines = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => `${((us / busy) * 100).toFixed(0).padStart(3)}% ${where}`);
  return `${name} (${(busy / 1e6).toFixed(1)} s busy):\n  ${lines.join("\n  ")}`;
}
