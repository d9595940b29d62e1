/**
 * The API key never travels on from what OpenRouter sends back: the model list and the key's state,
 * which admins see in `/usage` and which the services log, carry "[REDACTED]" where OpenRouter echoed it.
 */
import { describe, expect, it } from "vitest";
import { fetchCatalog } from "../../shared/src/registry/index.js";
import { fetchKeyState } from "../../shared/src/usage/index.js";
import { catalogEntry } from "../support/fake-openrouter.js";
import { API_KEY, useFakeOpenRouter } from "../support/openrouter-client.js";

const openrouter = useFakeOpenRouter();
const source = () => ({ baseUrl: openrouter.fake().baseUrl, apiKey: API_KEY, timeoutMs: 5_000 });

describe("OpenRouter echoing the API key", () => {
  it("the model list's skipped entries and names do not carry it", async () => {
    openrouter.fake().setCatalog({
      status: 200,
      body: {
        data: [
          catalogEntry({ key: "vendor/model:free", name: `Model of ${API_KEY}` }),
          { id: `bad/${API_KEY}`, name: "no pricing" },
        ],
      },
    });
    const catalog = await fetchCatalog(source());

    expect(catalog).toEqual({
      ok: true,
      models: [expect.objectContaining({ key: "vendor/model:free", name: "Model of [REDACTED]" })],
      skipped: ["bad/[REDACTED]"],
    });
    expect(JSON.stringify(catalog)).not.toContain(API_KEY);
  });

  it("the key's state (its label shown in /usage) does not carry it", async () => {
    openrouter.fake().setKeyState({ data: { label: API_KEY, limit: null, is_free_tier: true } });
    const state = await fetchKeyState(source());

    expect(state.ok && state.key.label).toBe("[REDACTED]");
    expect(JSON.stringify(state)).not.toContain(API_KEY);
  });

  it("a refusal that quotes the key is told by its status alone", async () => {
    const refusal = { status: 401, body: { error: { code: 401, message: `Invalid key ${API_KEY}` } } };
    openrouter.fake().setCatalog(refusal);
    openrouter.fake().setKeyState(refusal);

    expect(await fetchCatalog(source())).toEqual({ ok: false, reason: "status", status: 401 });
    expect(await fetchKeyState(source())).toEqual({ ok: false, reason: "401" });
  });
});
