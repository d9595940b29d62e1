export * from "./ask-job.js";
export * from "./maintenance.js";
export * from "./producer.js";
export * from "./redis.js";
export * from "./reminder-job.js";
export * from "./reminders.js";
export * from "./user-asks.js";
