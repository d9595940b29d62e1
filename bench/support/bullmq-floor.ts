/**
 * What BullMQ itself runs in Redis for one job, measured on a bare queue against the same Redis in the
 * same run: the floor under "Redis commands per answered ask" that no bot built on BullMQ goes below.
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { askJobOptions } from "../../shared/src/queue/ask-job.js";
import { REDIS_URL } from "./env.js";
import { RedisCommands, totalOf } from "./redis-commands.js";

/**
 * Redis commands per job (INFO commandstats, commands inside BullMQ's Lua scripts included) for `jobs`
 * jobs added one by one and completed by a worker that does nothing, with the fewest options BullMQ
 * allows (`minimal`: no id, priority, attempts or kept results) and with the ask job's own options.
 */
export async function bullmqFloor(
  prefix: string,
  jobs = 200,
): Promise<{ minimal: number; askOptions: number }> {
  return {
    minimal: await perJob(`${prefix}_floor_min`, jobs, () => ({ removeOnComplete: true })),
    askOptions: await perJob(`${prefix}_floor_ask`, jobs, (i) => askJobOptions(`floor-${i}`, 0)),
  };
}

async function perJob(prefix: string, jobs: number, options: (i: number) => object): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("floor", { connection, prefix });
  let done = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const worker = new Worker("floor", async () => {}, {
    connection: connection.duplicate(),
    prefix,
    concurrency: 64,
    autorun: false,
  });
  worker.on("completed", () => {
    if (++done === jobs) allDone();
  });
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const commands = await RedisCommands.start();
    for (let i = 0; i < jobs; i++) await queue.add("job", { i }, options(i));
    void worker.run();
    await finished;
    const total = totalOf(await commands.stop());
    return total / jobs;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
  }
}
