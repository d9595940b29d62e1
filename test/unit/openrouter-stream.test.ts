import { describe, expect, it } from "vitest";
import {
  type ChatMessage,
  type OpenRouterClientOptions,
  OpenRouterError,
  type StreamRequest,
} from "../../services/worker/src/openrouter/index.js";
import { API_KEY, MODEL, useFakeOpenRouter } from "../support/openrouter-client.js";
import { reasoningThenTokenLimit, streamFinishedWith } from "../support/openrouter-shapes.js";

const MESSAGES: ChatMessage[] = [
  { role: "system", content: "Отвечай кратко." },
  { role: "user", content: "Расскажи сказку" },
];
const USAGE = { promptTokens: 12, completionTokens: 7, totalTokens: 19 };

const openrouter = useFakeOpenRouter();
const client = openrouter.client;

/** Streams one answer, recording every delta. */
function stream(options: Partial<OpenRouterClientOptions> = {}, request: Partial<StreamRequest> = {}) {
  const deltas: string[] = [];
  const pending = client(options).stream({
    model: MODEL,
    messages: MESSAGES,
    onDelta: (text) => deltas.push(text),
    ...request,
  });
  return { deltas, pending };
}

/** Streams one answer that must fail and returns its OpenRouterError and the deltas seen. */
async function failure(options: Partial<OpenRouterClientOptions> = {}) {
  const { deltas, pending } = stream(options);
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenRouterError);
  return { error: error as OpenRouterError, deltas };
}

/** A signal aborted with `reason` after `ms`, as the ask's deadline is. */
function abortAfter(ms: number, reason: Error): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), ms).unref();
  return controller.signal;
}

/** A fetch that answers 200 with this SSE body, read piece by piece, then closes or fails. */
function sseFetch(
  pieces: readonly (string | Uint8Array)[],
  options: { failWith?: Error; onCancel?: () => void } = {},
): typeof fetch {
  return async () => {
    const queue = [...pieces];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = queue.shift();
        if (next !== undefined)
          controller.enqueue(typeof next === "string" ? new TextEncoder().encode(next) : next);
        else if (options.failWith !== undefined) controller.error(options.failWith);
        else controller.close();
      },
      cancel: () => options.onCancel?.(),
    });
    return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
  };
}

const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const delta = (content: string) =>
  event({ model: MODEL, choices: [{ delta: { content }, finish_reason: null }] });
const finish = event({ model: MODEL, choices: [{ delta: { content: "" }, finish_reason: "stop" }] });

describe("OpenRouter client: stream()", () => {
  it("hands over each delta in order and resolves with the joined text, the model and the usage", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: ["Жил-был ", "кот", ", и всё."] });

    const { deltas, pending } = stream();

    expect(await pending).toEqual({ content: "Жил-был кот, и всё.", model: MODEL, usage: USAGE });
    expect(deltas).toEqual(["Жил-был ", "кот", ", и всё."]);
  });

  it("asks for a stream with the key, the app headers, the model and the messages", async () => {
    await stream().pending;

    const [request] = await openrouter.fake().waitForRequests(1);
    expect(request?.stream).toBe(true);
    expect(request?.body).toEqual({ model: MODEL, messages: MESSAGES, max_tokens: 1_000, stream: true });
    expect(request?.headers).toEqual({
      authorization: `Bearer ${API_KEY}`,
      "http-referer": "https://github.com/example/notesbot",
      "x-title": "Notes bot",
    });
  });

  it("hands over deltas while the stream is still open", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: ["Первая часть"], andThen: "stall" });
    const controller = new AbortController();
    let firstDelta!: (text: string) => void;
    const received = new Promise<string>((resolve) => {
      firstDelta = resolve;
    });

    const pending = client().stream({
      model: MODEL,
      messages: MESSAGES,
      signal: controller.signal,
      onDelta: firstDelta,
    });
    const settled = pending.catch(() => "settled");

    expect(await Promise.race([received, settled])).toBe("Первая часть");
    controller.abort(new Error("done watching"));
    await settled;
  });

  it("ignores comments anywhere and parses events split across reads, mid-line and mid-character", async () => {
    const body = new TextEncoder().encode(
      [
        ": OPENROUTER PROCESSING\n\n",
        delta("Привет, "),
        ": OPENROUTER PROCESSING\n\n",
        delta("мир 🌍"),
        finish,
      ]
        .join("")
        .concat("data: [DONE]\n\n"),
    );
    const pieces = Array.from({ length: Math.ceil(body.length / 7) }, (_, i) =>
      body.subarray(i * 7, i * 7 + 7),
    );

    const { deltas, pending } = stream({ fetch: sseFetch(pieces) });

    expect(await pending).toEqual({ content: "Привет, мир 🌍", model: MODEL });
    expect(deltas).toEqual(["Привет, ", "мир 🌍"]);
  });

  it("streams a long answer: 9000 characters in 200 chunks", async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, "0")}${"я".repeat(42)}`);
    openrouter.fake().enqueue({ kind: "stream", chunks });

    const { deltas, pending } = stream();
    const { content } = await pending;

    expect(content).toHaveLength(9_000);
    expect(content).toBe(chunks.join(""));
    expect(deltas).toEqual(chunks);
  });

  it("cuts an answer at maxAnswerChars, never inside an emoji, marks it cut as too long, takes nothing more", async () => {
    // 99 characters, then an emoji across the limit of 100, then more that must not be taken.
    const chunks = [`${"я".repeat(99)}😀`, "дальше ".repeat(1_000)];
    openrouter.fake().enqueue({ kind: "stream", chunks }, { kind: "stream", chunks });

    const { deltas, pending } = stream({ maxAnswerChars: 100 });
    expect(await pending).toMatchObject({ content: "я".repeat(99), cut: "too_long" });
    expect(deltas).toEqual(["я".repeat(99)]);
    const whole = await client({ maxAnswerChars: 100 }).complete({ model: MODEL, messages: MESSAGES });
    expect(whole).toMatchObject({ content: "я".repeat(99), cut: "too_long" });
  });

  it("streams the fake's plain answers in a few chunks", async () => {
    const { deltas, pending } = stream();

    expect((await pending).content).toBe("Ответ: Расскажи сказку");
    expect(deltas.length).toBeGreaterThan(1);
  });

  it("reports an HTTP 429 before the stream with its Retry-After and no text", async () => {
    openrouter
      .fake()
      .enqueue({ kind: "error", status: 429, message: "Rate limit exceeded", retryAfter: "7" });

    const { error, deltas } = await failure();

    expect(error).toMatchObject({
      kind: "http",
      status: 429,
      retryable: true,
      retryAfterMs: 7_000,
      partialText: "",
    });
    expect(error.message).toBe("OpenRouter error 429: Rate limit exceeded");
    expect(deltas).toEqual([]);
  });

  it.each([
    [502, true],
    [400, false],
  ])(
    "reports an error event %i after some text with the text received (retryable=%s)",
    async (code, retryable) => {
      openrouter.fake().enqueue({ kind: "stream", chunks: ["Жил-был ", "кот"], andThen: { error: code } });

      const { error, deltas } = await failure();

      expect(error).toMatchObject({ kind: "http", status: code, retryable, partialText: "Жил-был кот" });
      expect(error.message).toBe(`OpenRouter error ${code}: Fake stream error ${code}`);
      expect(deltas).toEqual(["Жил-был ", "кот"]);
    },
  );

  it("reports an error event before any text with empty partialText", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: [], andThen: { error: 503 } });

    expect((await failure()).error).toMatchObject({
      kind: "http",
      status: 503,
      retryable: true,
      partialText: "",
    });
  });

  it("treats an error object inside the 200 and a choice that finished with error as errors", async () => {
    openrouter
      .fake()
      .enqueue(
        { kind: "errorIn200", code: 429, message: "Provider rate limited" },
        { kind: "choiceError", code: 504 },
      );

    const first = await failure();
    const second = await failure();

    expect(first.error).toMatchObject({ kind: "http", status: 429, partialText: "" });
    expect(first.error.message).toContain("Provider rate limited");
    expect(second.error).toMatchObject({ kind: "http", status: 504, retryable: true, partialText: "" });
  });

  it("treats an event that is not JSON as an upstream failure", async () => {
    const { error } = await failure({ fetch: sseFetch([delta("Нача"), "data: {oops\n\n"]) });

    expect(error).toMatchObject({ kind: "http", status: 502, retryable: true, partialText: "Нача" });
  });

  it("fails with timeout and the text so far when the stream stalls", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: ["Начало"], andThen: "stall" });

    const { error } = await failure({ timeoutMs: 30_000, streamIdleTimeoutMs: 1_000 });

    expect(error).toMatchObject({ kind: "timeout", retryable: true, partialText: "Начало" });
    expect(error.message).toBe("OpenRouter stream stalled: no data for 1000 ms");
  });

  it("counts keep-alive comments as life: a model still processing past the idle timeout answers", async () => {
    // OpenRouter's ": OPENROUTER PROCESSING" for 1.2 s (three idle timeouts), then the answer.
    openrouter.fake().enqueue({ kind: "stream", chunks: ["Ответ ", "пришёл"], processingMs: 1_200 });

    const { deltas, pending } = stream({ timeoutMs: 30_000, streamIdleTimeoutMs: 400 });

    expect((await pending).content).toBe("Ответ пришёл");
    expect(deltas.join("")).toBe("Ответ пришёл");
  });

  it("bounds a stream of nothing but keep-alive comments by the whole stream's limit, before and after the first piece", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: [], andThen: "keepalive" });
    const options = { timeoutMs: 30_000, streamIdleTimeoutMs: 300, streamTimeoutMs: 1_000 };
    const before = await failure(options);
    expect(before.error).toMatchObject({ kind: "timeout", partialText: "", limitMs: 1_000 });

    openrouter.fake().enqueue({ kind: "stream", chunks: ["Начало"], andThen: "keepalive" });
    const after = await failure(options);
    expect(after.error).toMatchObject({ kind: "timeout", partialText: "Начало", limitMs: 1_000 });
  });

  it("ends a stream of keep-alive comments when the caller's signal (the ask's deadline) fires", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: [], andThen: "keepalive" });
    const reason = new Error("deadline");
    const { pending } = stream(
      { timeoutMs: 30_000, streamIdleTimeoutMs: 300, streamTimeoutMs: 30_000 },
      { signal: abortAfter(800, reason) },
    );
    await expect(pending).rejects.toBe(reason);
  });

  it("returns a streamed answer cut by the length limit with the cut, whatever the byte boundaries", async () => {
    openrouter.fake().enqueue(streamFinishedWith(MODEL, ["Длинный — ", "ответ про ", "всё"], "length"));

    const { deltas, pending } = stream();

    expect(await pending).toMatchObject({ content: "Длинный — ответ про всё", cut: "length" });
    expect(deltas.join("")).toBe("Длинный — ответ про всё");
  });

  it("says a reasoning model that ran out of output gave no answer (length), not a 400 for the request", async () => {
    openrouter.fake().enqueue(reasoningThenTokenLimit(MODEL));

    const { error, deltas } = await failure();

    expect(error).toMatchObject({ kind: "length", retryable: false, partialText: "" });
    expect(error.status).toBeUndefined();
    expect(deltas).toEqual([]);
  });

  it("restarts the idle timeout with every chunk", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: ["a", "b", "c"], chunkDelayMs: 100 });

    // Each gap is 100 ms, all six events take 600 ms: only a timer that restarts lets them through.
    expect((await stream({ streamIdleTimeoutMs: 400 }).pending).content).toBe("abc");
  });

  it("bounds the whole stream with timeoutMs even while data keeps coming", async () => {
    openrouter
      .fake()
      .enqueue({ kind: "stream", chunks: Array.from({ length: 100 }, () => "x"), chunkDelayMs: 20 });

    const { error } = await failure({ timeoutMs: 300 });

    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(error.message).toBe("OpenRouter did not finish within 300 ms");
    expect(error.partialText).toMatch(/^x+$/);
  });

  it("reports a stream that ends without [DONE] or a finish_reason as a network error", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: ["Жил-был "], andThen: "end" });

    const { error } = await failure();

    expect(error).toMatchObject({
      kind: "network",
      status: undefined,
      retryable: true,
      partialText: "Жил-был ",
    });
  });

  it("reports a dropped connection before the stream as a network error with no text", async () => {
    openrouter.fake().enqueue({ kind: "drop" });

    expect((await failure()).error).toMatchObject({ kind: "network", retryable: true, partialText: "" });
  });

  it("keeps an answer whose choice finished when the body then ends or breaks without [DONE]", async () => {
    const ended = stream({ fetch: sseFetch([delta("Готово"), finish]) });
    const broken = stream({
      fetch: sseFetch([delta("Готово"), finish], { failWith: new TypeError("terminated") }),
    });

    expect(await ended.pending).toEqual({ content: "Готово", model: MODEL });
    expect(await broken.pending).toEqual({ content: "Готово", model: MODEL });
  });

  it("treats a stream without text as an empty answer", async () => {
    openrouter.fake().enqueue({ kind: "empty" });

    expect((await failure()).error).toMatchObject({ kind: "empty_answer", retryable: false });
  });

  it("rethrows the caller's abort reason mid-stream instead of an OpenRouterError", async () => {
    openrouter.fake().enqueue({ kind: "stream", chunks: ["Жил-был "], andThen: "stall" });
    const controller = new AbortController();
    const reason = new Error("job cancelled");

    const { pending } = stream({}, { signal: controller.signal, onDelta: () => controller.abort(reason) });

    await expect(pending).rejects.toBe(reason);
  });

  it("rethrows what onDelta throws at once and stops the download", async () => {
    const thrown = new Error("cannot edit the message");
    let cancelled!: () => void;
    const cancel = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    const body = sseFetch([delta("a"), delta("b"), finish, "data: [DONE]\n\n"], { onCancel: cancelled });

    const { pending } = stream(
      { fetch: body },
      {
        onDelta: () => {
          throw thrown;
        },
      },
    );

    await expect(pending).rejects.toBe(thrown);
    await cancel;
  });

  it("fails with missing_key and sends nothing", async () => {
    expect((await failure({ apiKey: " " })).error).toMatchObject({ kind: "missing_key" });
    expect(openrouter.fake().requests).toHaveLength(0);
  });
});

describe("fake OpenRouter: stream behaviours", () => {
  it("answers a request without stream: true in one piece", async () => {
    openrouter
      .fake()
      .enqueue(
        { kind: "stream", chunks: ["Жил-был ", "кот"] },
        { kind: "stream", chunks: ["x"], andThen: { error: 503 } },
      );
    const complete = () => client().complete({ model: MODEL, messages: MESSAGES });

    expect((await complete()).content).toBe("Жил-был кот");
    await expect(complete()).rejects.toMatchObject({ kind: "http", status: 503 });
    expect(openrouter.fake().requests.map((request) => request.stream)).toEqual([false, false]);
  });
});
