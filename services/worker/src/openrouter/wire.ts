import { errorObject } from "@notesbot/shared/openrouter";
import { z } from "zod";
import type { TokenUsage } from "./types.js";

// OpenRouter's JSON bodies of a completion, checked leniently: only the fields the client reads (its
// error object and envelope are shared/src/openrouter's).

const usageBody = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  /** Credits the request cost, where OpenRouter reports it. */
  cost: z.number().nullish(),
});

export const completionBody = z.object({
  model: z.string().optional(),
  choices: z.array(
    z.object({
      finish_reason: z.string().nullish(),
      message: z.object({ content: z.string().nullish() }).optional(),
      error: errorObject.optional(),
    }),
  ),
  usage: usageBody.optional(),
});

/** One `data:` event of a streamed completion; the usage chunk comes with no choices. */
export const chunkBody = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        delta: z.object({ content: z.string().nullish() }).nullish(),
        error: errorObject.optional(),
      }),
    )
    .optional(),
  usage: usageBody.nullish(),
});

export function toUsage(usage: z.infer<typeof usageBody>): TokenUsage {
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
    ...(typeof usage.cost === "number" ? { cost: usage.cost } : {}),
  };
}
