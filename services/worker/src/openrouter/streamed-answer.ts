import { type ErrorObject, errorEnvelope, parseJson } from "@notesbot/shared/openrouter";
import { UPSTREAM_FAILURE } from "./errors.js";
import { cutAt } from "./transport.js";
import type { TokenUsage } from "./types.js";
import { chunkBody, toUsage } from "./wire.js";

const MALFORMED: ErrorObject = { code: UPSTREAM_FAILURE, message: "malformed stream event" };

/**
 * Folds the `data:` events of one streamed completion into the answer they make up, at most
 * `maxChars` characters of it: past them the text is cut and `truncated` set.
 */
export class StreamedAnswer {
  text = "";
  model: string | undefined;
  usage: TokenUsage | undefined;
  /** A choice finished: the text is complete even if [DONE] never comes. */
  finished = false;
  /** The last finish_reason a choice reported. */
  finishReason: string | undefined;
  /** [DONE] arrived: nothing more follows. */
  done = false;
  /** The stream carried an error (a top-level object or a choice that finished with "error"). */
  error: ErrorObject | undefined;
  /** The answer went on past `maxChars`: the text is its beginning, and nothing more is taken. */
  truncated = false;

  constructor(private readonly maxChars: number) {}

  /** Takes one event's data and returns the new text it carried, "" if none. */
  apply(data: string): string {
    if (this.truncated) return ""; // events read past the cut, in the same chunk: the answer is over
    if (data === "[DONE]") {
      this.done = true;
      return "";
    }
    const body = parseJson(data);
    const envelope = errorEnvelope.safeParse(body);
    if (envelope.success) {
      this.error = envelope.data.error;
      return "";
    }
    const chunk = chunkBody.safeParse(body);
    if (!chunk.success) {
      this.error = MALFORMED;
      return "";
    }
    this.model ??= chunk.data.model;
    if (chunk.data.usage) this.usage = toUsage(chunk.data.usage);
    const choice = chunk.data.choices?.[0];
    if (choice === undefined) return "";
    if (choice.finish_reason === "error" || choice.error !== undefined) {
      this.error = choice.error ?? {};
      return "";
    }
    const whole = choice.delta?.content ?? "";
    const cut = cutAt(this.text + whole, this.maxChars);
    const piece = cut === undefined ? whole : cut.slice(this.text.length);
    if (cut !== undefined) this.truncated = true;
    this.text += piece;
    if (choice.finish_reason) {
      this.finished = true;
      this.finishReason = choice.finish_reason;
    }
    return piece;
  }
}
