/**
 * Token usage per ask, stored in PostgreSQL from OpenRouter's `usage` object, and its sums for `/usage`:
 * a user's asks and tokens today (UTC) and in total, and the bot's for admins. Recording is idempotent
 * per job, so a job that runs again after a crash is counted once; a busy worker's records go in few
 * statements (see batched.ts).
 */
import { batched, type Db, isRefusedData } from "../db/index.js";

export interface AskUsage {
  userId: number;
  jobId: string;
  modelKey: string;
  promptTokens: number;
  completionTokens: number;
  /** In credits (US dollars), as OpenRouter reports it; 0 for free models. */
  cost: number;
}

export interface UsageTotals {
  asks: number;
  tokens: number;
  cost: number;
}

export interface UsageSummary {
  today: UsageTotals;
  total: UsageTotals;
}

export function createUsageStore(db: Db) {
  const insert = async (rows: readonly AskUsage[]): Promise<undefined> => {
    await db.query({
      name: "usage-record",
      text: `INSERT INTO ask_usage (user_id, job_id, model_key, prompt_tokens, completion_tokens, cost)
             SELECT r."userId", r."jobId", r."modelKey", r."promptTokens", r."completionTokens", r.cost
             FROM jsonb_to_recordset($1::jsonb) AS r("userId" bigint, "jobId" text, "modelKey" text,
               "promptTokens" int, "completionTokens" int, cost numeric)
             ON CONFLICT (job_id) DO NOTHING`,
      values: [JSON.stringify(rows)],
    });
    return undefined;
  };
  const recordMany = batched<AskUsage>(insert, { alone: isRefusedData });

  const summary = async (where: string, params: unknown[]): Promise<UsageSummary> => {
    const { rows } = await db.query<{
      asks_today: string;
      tokens_today: string;
      cost_today: string;
      asks: string;
      tokens: string;
      cost: string;
    }>(
      `SELECT count(*) FILTER (WHERE today) AS asks_today,
              coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE today), 0) AS tokens_today,
              coalesce(sum(cost) FILTER (WHERE today), 0) AS cost_today,
              count(*) AS asks,
              coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens,
              coalesce(sum(cost), 0) AS cost
       FROM (SELECT *, created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS today
             FROM ask_usage ${where}) AS u`,
      params,
    );
    const row = rows[0];
    const totals = (asks?: string, tokens?: string, cost?: string): UsageTotals => ({
      asks: Number(asks ?? 0),
      tokens: Number(tokens ?? 0),
      cost: Number(cost ?? 0),
    });
    return {
      today: totals(row?.asks_today, row?.tokens_today, row?.cost_today),
      total: totals(row?.asks, row?.tokens, row?.cost),
    };
  };

  return {
    /**
     * Stores one answered ask's usage; a second record for the same job changes nothing. A row
     * PostgreSQL refuses fails only its own record, not the others written with it.
     */
    record: async (usage: AskUsage): Promise<void> => recordMany(usage),

    /** One user's asks, tokens and cost, today (UTC) and in total. */
    ofUser: (userId: number) => summary("WHERE user_id = $1", [userId]),

    /** Everybody's. */
    ofBot: () => summary("", []),
  };
}

export type UsageStore = ReturnType<typeof createUsageStore>;
