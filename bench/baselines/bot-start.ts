/** Baseline: the tutorial bot with grammY's built-in long polling (`bot.start()`), one update at a time. */
import { createBot, db } from "./bot.js";

const bot = createBot();
const stop = async () => {
  await bot.stop();
  await db.end();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
await bot.start({ onStart: () => console.log("baseline started") });
