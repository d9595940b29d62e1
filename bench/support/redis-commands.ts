import { Redis } from "ioredis";
import { REDIS_URL } from "./env.js";

/**
 * Counts the commands Redis executed between `start()` and `stop()`, from `INFO commandstats`
 * (commands called inside Lua scripts count too, as Redis counts them; the INFO calls themselves are
 * left out). The count is the whole server's: other clients of the same Redis add to it.
 */
export class RedisCommands {
  private constructor(
    private readonly redis: Redis,
    private readonly before: Map<string, number>,
  ) {}

  static async start(): Promise<RedisCommands> {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    return new RedisCommands(redis, await read(redis));
  }

  /** Commands executed since start, by command name, highest first. */
  async stop(): Promise<Record<string, number>> {
    const after = await read(this.redis);
    this.redis.disconnect();
    const delta: [string, number][] = [];
    for (const [name, calls] of after) {
      const d = calls - (this.before.get(name) ?? 0);
      // The two INFO calls of this meter are not the bot's.
      const own = name === "info" ? 1 : 0;
      if (d - own > 0) delta.push([name, d - own]);
    }
    delta.sort((a, b) => b[1] - a[1]);
    return Object.fromEntries(delta);
  }
}

/**
 * Counts, through MONITOR, the commands sent by clients (not those run inside Lua scripts) that name
 * `prefix` (the run's queue prefix, in every key of the bot): round trips of this bot only, whatever
 * else uses the server. MONITOR slows Redis down, so this runs outside the measured part.
 */
export class RedisRoundTrips {
  private count = 0;
  private constructor(private readonly redis: Redis) {}

  static async start(prefix: string): Promise<RedisRoundTrips> {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    const meter = new RedisRoundTrips(redis);
    const monitor = await redis.monitor();
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (!source.includes("lua") && args.some((a) => a.includes(prefix))) meter.count++;
    });
    return meter;
  }

  stop(): number {
    this.redis.disconnect();
    return this.count;
  }
}

async function read(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info("commandstats");
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    counts.set(match[1] as string, Number(match[2]));
  return counts;
}

export const totalOf = (byCommand: Record<string, number>): number =>
  Object.values(byCommand).reduce((sum, n) => sum + n, 0);
