import { describe, expect, it } from "vitest";
import {
  type ChatMessage,
  type OpenRouterClientOptions,
  OpenRouterError,
} from "../../services/worker/src/openrouter/index.js";
import { startFakeOpenRouter } from "../support/fake-openrouter.js";
import { API_KEY, MODEL, useFakeOpenRouter } from "../support/openrouter-client.js";
import { finishedWith, modelIdNotValid, noEndpoints } from "../support/openrouter-shapes.js";

const MESSAGES: ChatMessage[] = [
  { role: "system", content: "Отвечай кратко." },
  { role: "user", content: "Сколько будет 2+2?" },
];

const openrouter = useFakeOpenRouter();
const client = openrouter.client;

/** Runs one completion that must fail and returns its OpenRouterError. */
async function failure(options: Partial<OpenRouterClientOptions> = {}): Promise<OpenRouterError> {
  const error = await client(options)
    .complete({ model: MODEL, messages: MESSAGES })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(OpenRouterError);
  return error as OpenRouterError;
}

describe("OpenRouter client", () => {
  it("returns the answer, the model and the token usage", async () => {
    const completion = await client().complete({ model: MODEL, messages: MESSAGES });

    expect(completion).toEqual({
      content: "Ответ: Сколько будет 2+2?",
      model: MODEL,
      usage: { promptTokens: 12, completionTokens: 7, totalTokens: 19 },
    });
  });

  it("sends the key, the app headers, the model and the messages", async () => {
    openrouter.fake().enqueue({ kind: "answer", content: "4" });
    await client({ baseUrl: `${openrouter.fake().baseUrl}/` }).complete({ model: MODEL, messages: MESSAGES });

    const [request] = await openrouter.fake().waitForRequests(1);
    expect(openrouter.fake().requests).toHaveLength(1);
    expect(request?.path).toBe("/api/v1/chat/completions");
    expect(request?.headers).toEqual({
      authorization: `Bearer ${API_KEY}`,
      "http-referer": "https://github.com/example/notesbot",
      "x-title": "Notes bot",
    });
    expect(request?.body).toEqual({ model: MODEL, messages: MESSAGES, max_tokens: 1_000 });
  });

  it("reads Retry-After in seconds from a 429", async () => {
    openrouter.fake().enqueue({
      kind: "error",
      status: 429,
      message: "Rate limit exceeded: free-models-per-min",
      retryAfter: "7",
    });

    const error = await failure();

    expect(error).toMatchObject({ kind: "http", status: 429, retryable: true, retryAfterMs: 7_000 });
    expect(error.message).toContain("Rate limit exceeded: free-models-per-min");
  });

  it("reads Retry-After as an HTTP date from a 429", async () => {
    const retryAt = new Date(Date.now() + 30_000).toUTCString();
    openrouter.fake().enqueue({ kind: "error", status: 429, retryAfter: retryAt });

    const error = await failure();

    expect(error).toMatchObject({ kind: "http", status: 429, retryable: true });
    // The date has whole-second precision, so up to a second (plus the round trip) is lost.
    expect(error.retryAfterMs).toBeGreaterThan(27_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("leaves retryAfterMs undefined without a Retry-After header", async () => {
    openrouter.fake().enqueue({ kind: "error", status: 503 });

    expect((await failure()).retryAfterMs).toBeUndefined();
  });

  it.each([
    [400, false],
    [401, false],
    [402, false],
    [403, false],
    [404, false],
    [408, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ])("reports HTTP %i with retryable=%s", async (status, retryable) => {
    openrouter.fake().enqueue({ kind: "error", status, message: `upstream says ${status}` });

    const error = await failure();

    expect(error).toMatchObject({ kind: "http", status, retryable });
    expect(error.message).toBe(`OpenRouter error ${status}: upstream says ${status}`);
  });

  it("keeps the API key out of the error message even when the upstream echoes it", async () => {
    openrouter.fake().enqueue({ kind: "error", status: 401, message: `Invalid key ${API_KEY}` });

    const error = await failure();

    expect(error.status).toBe(401);
    expect(error.message).not.toContain(API_KEY);
  });

  it("treats a top-level error inside an HTTP 200 as an error with its code", async () => {
    openrouter.fake().enqueue({ kind: "errorIn200", code: 503, message: "Provider returned error" });

    const error = await failure();

    expect(error).toMatchObject({ kind: "http", status: 503, retryable: true });
    expect(error.message).toContain("Provider returned error");
  });

  it("treats a choice with finish_reason error as an error with its code", async () => {
    openrouter.fake().enqueue({ kind: "choiceError", code: 502 });

    expect(await failure()).toMatchObject({ kind: "http", status: 502, retryable: true });
  });

  it("treats a 200 with no answer text as an error", async () => {
    openrouter.fake().enqueue({ kind: "empty" });

    expect(await failure()).toMatchObject({ kind: "empty_answer", status: undefined, retryable: false });
  });

  it("treats a whitespace-only answer as an error", async () => {
    openrouter.fake().enqueue({ kind: "answer", content: " \n\t " });

    expect(await failure()).toMatchObject({ kind: "empty_answer", retryable: false });
  });

  it("gives up on a request that hangs after timeoutMs", async () => {
    openrouter.fake().enqueue({ kind: "hang" });
    const started = performance.now();

    const error = await failure({ timeoutMs: 200 });

    expect(error).toMatchObject({ kind: "timeout", status: undefined, retryable: true });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(openrouter.fake().requests).toHaveLength(1);
  });

  it("reports a dropped connection as a network error", async () => {
    openrouter.fake().enqueue({ kind: "drop" });

    const error = await failure();

    expect(error).toMatchObject({ kind: "network", status: undefined, retryable: true });
    expect(openrouter.fake().requests).toHaveLength(1);
  });

  it("reports an unreachable server as a network error", async () => {
    const gone = await startFakeOpenRouter();
    await gone.close();

    expect(await failure({ baseUrl: gone.baseUrl })).toMatchObject({ kind: "network", retryable: true });
  });

  it.each([undefined, "", "   "])("fails with missing_key for key %j and sends nothing", async (apiKey) => {
    const error = await failure({ apiKey });

    expect(error).toMatchObject({ kind: "missing_key", status: undefined, retryable: false });
    expect(openrouter.fake().requests).toHaveLength(0);
  });

  it("rethrows the caller's abort reason instead of an OpenRouterError", async () => {
    openrouter.fake().enqueue({ kind: "hang" });
    const controller = new AbortController();
    const reason = new Error("job cancelled");

    const pending = client().complete({ model: MODEL, messages: MESSAGES, signal: controller.signal });
    await openrouter.fake().waitForRequests(1);
    controller.abort(reason);

    await expect(pending).rejects.toBe(reason);
  });

  it("treats a 200 that is not a completion as a retryable upstream failure", async () => {
    const stub: typeof fetch = async () => new Response("<html>gateway</html>", { status: 200 });

    expect(await failure({ fetch: stub })).toMatchObject({ kind: "http", status: 502, retryable: true });
  });

  it("reports the HTTP status when the error body is not JSON", async () => {
    const stub: typeof fetch = async () => new Response("Bad Gateway", { status: 502 });

    const error = await failure({ fetch: stub });

    expect(error).toMatchObject({ kind: "http", status: 502, retryable: true });
    expect(error.message).toBe("OpenRouter error 502");
  });
});

describe("OpenRouter client: what a finish_reason and a model's absence mean", () => {
  it("returns an answer cut by the model's length limit with the cut, after OpenRouter's whitespace keep-alive", async () => {
    openrouter.fake().enqueue(finishedWith(MODEL, "Привет! Чем помочь", "length"));

    const completion = await client().complete({ model: MODEL, messages: MESSAGES });

    expect(completion).toMatchObject({ content: "Привет! Чем помочь", cut: "length" });
    expect(completion.usage).toEqual({ promptTokens: 9, completionTokens: 11, totalTokens: 20, cost: 0 });
  });

  it("names an answer a content filter withheld, not an empty answer, and does not retry it", async () => {
    openrouter.fake().enqueue(finishedWith(MODEL, "", "content_filter"));

    const error = await failure();

    expect(error).toMatchObject({ kind: "content_filter", retryable: false, modelGone: false });
  });

  it("keeps the text a content filter let through, with the cut", async () => {
    openrouter.fake().enqueue(finishedWith(MODEL, "Начало ответа", "content_filter"));

    const completion = await client().complete({ model: MODEL, messages: MESSAGES });

    expect(completion).toMatchObject({ content: "Начало ответа", cut: "content_filter" });
  });

  it("says a model is gone on 400 'not a valid model ID' and 404 'No endpoints found for', and on nothing else", async () => {
    openrouter.fake().enqueue(modelIdNotValid(MODEL), noEndpoints(MODEL));
    expect(await failure()).toMatchObject({ kind: "http", status: 400, retryable: false, modelGone: true });
    expect(await failure()).toMatchObject({ kind: "http", status: 404, retryable: false, modelGone: true });

    openrouter
      .fake()
      .enqueue(
        { kind: "error", status: 400, message: "This endpoint's maximum context length is 8192 tokens" },
        { kind: "error", status: 404, message: "No endpoints found matching your data policy" },
      );
    expect(await failure()).toMatchObject({ status: 400, modelGone: false });
    expect(await failure()).toMatchObject({ status: 404, modelGone: false });
  });
});

describe("fake OpenRouter", () => {
  it("serves per-model scripts first, then the shared queue, then the default", async () => {
    openrouter.fake().enqueue({ kind: "answer", content: "shared" });
    openrouter.fake().enqueueFor("other/model", { kind: "answer", content: "scoped" });
    openrouter.fake().setDefault({ kind: "answer", content: "default" });
    const ask = (model: string) => client().complete({ model, messages: MESSAGES });

    expect((await ask(MODEL)).content).toBe("shared");
    expect((await ask("other/model")).content).toBe("scoped");
    expect((await ask("other/model")).content).toBe("default");
  });

  it("rejects a request without a bearer token with OpenRouter's 401 and keeps the script", async () => {
    openrouter.fake().enqueue({ kind: "answer", content: "scripted" });

    const response = await fetch(`${openrouter.fake().baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: MESSAGES }),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 401, message: "No auth credentials found" } });
    expect((await client().complete({ model: MODEL, messages: MESSAGES })).content).toBe("scripted");
  });

  it("holds a delayed answer back, so a shorter client timeout wins", async () => {
    openrouter.fake().enqueue({ kind: "answer", content: "late", delayMs: 1_000 });

    expect(await failure({ timeoutMs: 100 })).toMatchObject({ kind: "timeout" });
  });

  it("ends a hanging request when it closes", async () => {
    const closing = await startFakeOpenRouter();
    closing.enqueue({ kind: "hang" });
    const pending = client({ baseUrl: closing.baseUrl }).complete({ model: MODEL, messages: MESSAGES });
    await closing.waitForRequests(1);

    await closing.close();

    await expect(pending).rejects.toMatchObject({ kind: "network" });
  });

  it("rejects waitForRequests with a clear message when too few requests arrive", async () => {
    await expect(openrouter.fake().waitForRequests(1, 50)).rejects.toThrow(
      "fake OpenRouter: expected 1 request(s) within 50 ms, got 0",
    );
  });
});
