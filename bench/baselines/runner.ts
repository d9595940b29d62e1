/** Baseline: the tutorial bot with @grammyjs/runner (`run(bot)`), updates handled concurrently. */
import { run } from "@grammyjs/runner";
import { createBot, db } from "./bot.js";

const bot = createBot();
await bot.init();
const runner = run(bot);
console.log("baseline started");
const stop = async () => {
  await runner.stop();
  await db.end();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
