/**
 * The OpenRouter key's state (`GET /key`) for admins' `/usage`: its credit limit and what is left, its
 * spending today, and whether it is on the free tier, from which the day's cap of free-model requests
 * follows (50 a day, or 1000 once 10 credits were bought). A failure is a value.
 */
import { z } from "zod";

/** OpenRouter's daily cap on requests to free models, by tier. */
export const FREE_REQUESTS_PER_DAY = { freeTier: 50, withCredits: 1000 } as const;

export interface KeyState {
  label: string | undefined;
  /** Credit limit, and what is left of it; null when the key has none. */
  limit: number | null;
  limitRemaining: number | null;
  usageDaily: number | null;
  isFreeTier: boolean;
  /** Requests to free models a day for this key. */
  freeRequestsPerDay: number;
}

export type KeyStateResult = { ok: true; key: KeyState } | { ok: false; reason: string };

const keySchema = z.object({
  data: z.object({
    label: z.string().nullish(),
    limit: z.number().nullish(),
    limit_remaining: z.number().nullish(),
    usage_daily: z.number().nullish(),
    is_free_tier: z.boolean(),
  }),
});

export async function fetchKeyState(source: {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}): Promise<KeyStateResult> {
  try {
    const response = await fetch(`${source.baseUrl}/key`, {
      headers: { authorization: `Bearer ${source.apiKey}` },
      signal: AbortSignal.timeout(source.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: String(response.status) };
    }
    const parsed = keySchema.safeParse(await response.json().catch(() => undefined));
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
        freeRequestsPerDay: data.is_free_tier
          ? FREE_REQUESTS_PER_DAY.freeTier
          : FREE_REQUESTS_PER_DAY.withCredits,
      },
    };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network",
    };
  }
}
