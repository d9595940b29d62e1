export * from "./ask-job.js";
export * from "./maintenance.js";
export * from "./producer.js";
export * from "./redis.js";
export * from "./user-asks.js";
