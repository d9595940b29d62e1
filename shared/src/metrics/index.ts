export * from "./definitions.js";
export * from "./server.js";
export * from "./telegram.js";
