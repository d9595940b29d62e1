import { connect, type Socket } from "node:net";
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
 * else uses the server. MONITOR slows Redis down, so this runs outside the measured part. It reads the
 * MONITOR stream from a plain socket: ioredis's monitor mode fails ("Command queue state error") when
 * the first lines arrive with MONITOR's OK, which happens on a busy server.
 */
export class RedisRoundTrips {
  private count = 0;
  private constructor(private readonly socket: Socket) {}

  static async start(prefix: string): Promise<RedisRoundTrips> {
    const url = new URL(REDIS_URL);
    const socket = connect(Number(url.port || 6379), url.hostname);
    const meter = new RedisRoundTrips(socket);
    const commands = [
      ...(url.password
        ? [
            resp(
              "AUTH",
              ...(url.username ? [decodeURIComponent(url.username)] : []),
              decodeURIComponent(url.password),
            ),
          ]
        : []),
      resp("MONITOR"),
    ];
    let pendingOks = commands.length;
    let buffered = "";
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.setEncoding("utf8").on("data", (chunk: string) => {
        const lines = (buffered + chunk).split("\r\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          if (pendingOks > 0) {
            if (line !== "+OK") return reject(new Error(`Redis refused MONITOR: ${line}`));
            if (--pendingOks === 0) resolve();
            continue;
          }
          // +<time> [<db> <client address, or "lua">] "<command>" "<arg>" …
          const source = /^\+[\d.]+ \[\d+ ([^\]]+)\]/.exec(line)?.[1];
          if (source !== undefined && source !== "lua" && line.includes(prefix)) meter.count++;
        }
      });
      socket.write(commands.join(""));
    });
    return meter;
  }

  stop(): number {
    this.socket.destroy();
    return this.count;
  }
}

/** A command in Redis's wire format. */
const resp = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

async function read(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info("commandstats");
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    counts.set(match[1] as string, Number(match[2]));
  return counts;
}

export const totalOf = (byCommand: Record<string, number>): number =>
  Object.values(byCommand).reduce((sum, n) => sum + n, 0);
