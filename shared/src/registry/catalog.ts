/**
 * OpenRouter's model list (`GET /models`), read and validated: what the registry is compared with. A
 * failure is a value naming what went wrong. An entry the bot cannot read is skipped and named in the
 * result (the callers count and log it), the rest is used; a body that is not a list, or a list with
 * no readable entry, is refused whole, so one malformed answer can never mark the registry's models
 * unavailable. What OpenRouter sends never carries the API key on (see createOpenRouterHttp).
 */
import { z } from "zod";
import { createOpenRouterHttp } from "../openrouter/index.js";

/** A model of OpenRouter's list, as the registry needs it. */
export interface CatalogModel {
  key: string;
  name: string;
  contextLength: number | undefined;
  /** Every price of it is zero. */
  free: boolean;
  /** What it takes as input (`architecture.input_modalities`: "text", "image", "audio", "file", …); undefined when not listed. */
  inputModalities: string[] | undefined;
}

export type CatalogResult =
  /** `skipped`: the ids (or `#index` without one) of entries that could not be read. */
  | { ok: true; models: CatalogModel[]; skipped: string[] }
  | { ok: false; reason: "timeout" | "network" | "malformed" }
  | { ok: false; reason: "status"; status: number };

export interface CatalogSource {
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs: number;
}

/**
 * A price in US dollars per token or request. OpenRouter writes "-1" where the price is not fixed
 * (the `openrouter/auto` router): readable, and not free.
 */
const price = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().finite());
const positive = z.number().int().positive();
const entrySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  context_length: positive.nullish(),
  /** The provider OpenRouter routes to first; its limit is the one a request meets. */
  top_provider: z.object({ context_length: positive.nullish() }).nullish().catch(undefined),
  pricing: z.object({ prompt: price, completion: price, request: price.optional() }),
  /** An unreadable architecture leaves the modalities unknown, never the entry unread. */
  architecture: z
    .object({ input_modalities: z.array(z.string().min(1).max(32)).max(32).nullish() })
    .nullish()
    .catch(undefined),
});
// An empty list is refused too: OpenRouter always lists models, and taking it would mark every one gone.
const catalogSchema = z.object({ data: z.array(z.unknown()).min(1) });

/** The context a request can use: the smaller of the model's and its top provider's, when known. */
function contextLengthOf(entry: z.infer<typeof entrySchema>): number | undefined {
  const known = [entry.context_length, entry.top_provider?.context_length].filter(
    (n): n is number => typeof n === "number",
  );
  return known.length === 0 ? undefined : Math.min(...known);
}

/** What an unreadable entry is called in logs: its id when it has a usable one, else its place. */
function nameOf(entry: unknown, index: number): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === "string" && id !== "" ? id.slice(0, 200) : `#${index}`;
}

export async function fetchCatalog(source: CatalogSource): Promise<CatalogResult> {
  const http = createOpenRouterHttp({ baseUrl: source.baseUrl, apiKey: source.apiKey });
  const fetched = await http.getJson("/models", source.timeoutMs);
  if (!fetched.ok) return fetched;
  const parsed = catalogSchema.safeParse(fetched.body);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const models: CatalogModel[] = [];
  const skipped: string[] = [];
  parsed.data.data.forEach((raw, index) => {
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) {
      skipped.push(nameOf(raw, index));
      return;
    }
    const m = entry.data;
    models.push({
      key: m.id,
      name: m.name,
      contextLength: contextLengthOf(m),
      free: m.pricing.prompt === 0 && m.pricing.completion === 0 && (m.pricing.request ?? 0) === 0,
      inputModalities: m.architecture?.input_modalities ?? undefined,
    });
  });
  if (models.length === 0) return { ok: false, reason: "malformed" };
  return { ok: true, models, skipped };
}
