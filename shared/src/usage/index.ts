export { FREE_REQUESTS_PER_DAY, fetchKeyState, type KeyState, type KeyStateResult } from "./key.js";
export {
  type AskUsage,
  createUsageStore,
  type UsageStore,
  type UsageSummary,
  type UsageTotals,
} from "./store.js";
