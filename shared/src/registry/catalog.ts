/**
 * OpenRouter's model list (`GET /models`), read and validated: what the registry is compared with. A
 * failure is a value naming what went wrong; a list that does not validate as a whole is refused whole,
 * so one malformed answer can never mark the registry's models unavailable.
 */
import { z } from "zod";

/** A model of OpenRouter's list, as the registry needs it. */
export interface CatalogModel {
  key: string;
  name: string;
  contextLength: number | undefined;
  /** Every price of it is zero. */
  free: boolean;
}

export type CatalogResult =
  | { ok: true; models: CatalogModel[] }
  | { ok: false; reason: "timeout" | "network" | "malformed" }
  | { ok: false; reason: "status"; status: number };

export interface CatalogSource {
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs: number;
}

const price = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().nonnegative());
// An empty list is refused too: OpenRouter always lists models, and taking it would mark every one gone.
const catalogSchema = z.object({
  data: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string(),
        context_length: z.number().int().positive().nullish(),
        pricing: z.object({ prompt: price, completion: price, request: price.optional() }),
      }),
    )
    .min(1),
});

export async function fetchCatalog(source: CatalogSource): Promise<CatalogResult> {
  let response: Response;
  try {
    response = await fetch(`${source.baseUrl}/models`, {
      headers: source.apiKey ? { authorization: `Bearer ${source.apiKey}` } : {},
      signal: AbortSignal.timeout(source.timeoutMs),
    });
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network",
    };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, reason: "status", status: response.status };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if (error instanceof Error && error.name === "TimeoutError") return { ok: false, reason: "timeout" };
    return { ok: false, reason: "malformed" };
  }
  const parsed = catalogSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  return {
    ok: true,
    models: parsed.data.data.map((m) => ({
      key: m.id,
      name: m.name,
      contextLength: m.context_length ?? undefined,
      free: m.pricing.prompt === 0 && m.pricing.completion === 0 && (m.pricing.request ?? 0) === 0,
    })),
  };
}
