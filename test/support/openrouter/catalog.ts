/**
 * The fake OpenRouter's `GET /models` and `GET /key`: the registry's seeded models as the default list,
 * an entry in OpenRouter's model list format, and the replies a test may script instead.
 */

/** A model of the fake's `GET /models` list; free unless `paid`. */
export interface FakeCatalogModel {
  key: string;
  name?: string;
  contextLength?: number;
  paid?: boolean;
  /** `architecture.input_modalities` (default: text only). */
  inputModalities?: string[];
}

/** What `GET /models` or `GET /key` answers: a status and a JSON body, or a raw text body. */
export type ScriptedReply = { status: number; body: unknown } | { status: number; raw: string };

/** The registry's seeded models (migrations/…_models.sql), all free with a large context: the default list. */
export const SEEDED_MODELS: FakeCatalogModel[] = [
  "deepseek/deepseek-chat-v3.1:free",
  "deepseek/deepseek-r1-0528:free",
  "meta-llama/llama-3.3-70b-instruct:free",
  "qwen/qwen3-235b-a22b:free",
  "qwen/qwen3-coder:free",
  "google/gemma-3-27b-it:free",
  "mistralai/mistral-small-3.2-24b-instruct:free",
  "moonshotai/kimi-k2:free",
  "z-ai/glm-4.5-air:free",
  "openai/gpt-oss-20b:free",
  "nvidia/nemotron-nano-9b-v2:free",
  "meta-llama/llama-4-maverick:free",
].map((key) => ({ key, contextLength: 131_072 }));

/** A `data[]` entry of OpenRouter's model list. */
export function catalogEntry(model: FakeCatalogModel): Record<string, unknown> {
  const price = model.paid ? "0.000001" : "0";
  return {
    id: model.key,
    canonical_slug: model.key,
    name: model.name ?? model.key,
    created: 1_750_000_000,
    context_length: model.contextLength ?? 32_768,
    architecture: {
      modality: `${(model.inputModalities ?? ["text"]).join("+")}->text`,
      input_modalities: model.inputModalities ?? ["text"],
      output_modalities: ["text"],
    },
    pricing: { prompt: price, completion: price, request: "0", image: "0" },
    top_provider: { context_length: model.contextLength ?? 32_768, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ["max_tokens", "temperature"],
  };
}

/** `GET /models` until a test sets another: the seeded models. */
export const defaultCatalog = (): ScriptedReply => ({
  status: 200,
  body: { data: SEEDED_MODELS.map(catalogEntry) },
});

/** `GET /key` until a test sets another: a free-tier key with no limit and nothing used. */
export const defaultKeyState = (): ScriptedReply => ({
  status: 200,
  body: {
    data: {
      label: "fake",
      limit: null,
      limit_remaining: null,
      usage: 0,
      usage_daily: 0,
      is_free_tier: true,
    },
  },
});
