export * from "./bot-api-counters.js";
export * from "./definitions.js";
export * from "./server.js";
