/**
 * The OpenRouter key's state (`GET /key`) for admins' `/usage`: its credit limit and what is left, its
 * spending today, whether credits were ever bought, and the day's cap of free-model requests. OpenRouter
 * documents that cap as 50 a day, or 1000 once at least 10 credits were bought in all — not merely
 * "not on the free tier" (any purchase ends that). The key reports the cap and what is left of it in
 * `free_model_daily_requests` where OpenRouter sends it; else it is known only for a key that never
 * bought credits (50). A failure is a value; the key's label never carries the key itself on.
 */
import { z } from "zod";
import { createOpenRouterHttp } from "../openrouter/index.js";

/** OpenRouter's daily cap on requests to free models: `withCredits` once `creditsThreshold` credits were bought in all. */
export const FREE_REQUESTS_PER_DAY = { freeTier: 50, withCredits: 1000, creditsThreshold: 10 } as const;

export interface KeyState {
  label: string | undefined;
  /** Credit limit, and what is left of it; null when the key has none. */
  limit: number | null;
  limitRemaining: number | null;
  usageDaily: number | null;
  /** No credits were ever bought on the account. */
  isFreeTier: boolean;
  /** Requests to free models a day for this key; undefined when it cannot be told (50 or 1000). */
  freeRequestsPerDay: number | undefined;
  /** What is left of them today, when OpenRouter reports it. */
  freeRequestsLeft: number | undefined;
}

export type KeyStateResult = { ok: true; key: KeyState } | { ok: false; reason: string };

const keySchema = z.object({
  data: z.object({
    label: z.string().nullish(),
    limit: z.number().nullish(),
    limit_remaining: z.number().nullish(),
    usage_daily: z.number().nullish(),
    is_free_tier: z.boolean(),
    /** The account's free-model count of the UTC day, where OpenRouter reports it. */
    free_model_daily_requests: z
      .object({ limit: z.number().int().nonnegative(), remaining: z.number().int().nonnegative() })
      .nullish()
      .catch(undefined),
  }),
});

export async function fetchKeyState(source: {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}): Promise<KeyStateResult> {
  const http = createOpenRouterHttp({ baseUrl: source.baseUrl, apiKey: source.apiKey });
  const fetched = await http.getJson("/key", source.timeoutMs);
  if (!fetched.ok) {
    return { ok: false, reason: fetched.reason === "status" ? String(fetched.status) : fetched.reason };
  }
  const parsed = keySchema.safeParse(fetched.body);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const data = parsed.data.data;
  return {
    ok: true,
    key: {
      label: data.label ?? undefined,
      limit: data.limit ?? null,
      limitRemaining: data.limit_remaining ?? null,
      usageDaily: data.usage_daily ?? null,
      isFreeTier: data.is_free_tier,
      freeRequestsPerDay:
        data.free_model_daily_requests?.limit ??
        (data.is_free_tier ? FREE_REQUESTS_PER_DAY.freeTier : undefined),
      freeRequestsLeft: data.free_model_daily_requests?.remaining,
    },
  };
}
