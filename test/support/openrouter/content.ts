/**
 * The fake OpenRouter's check of what a chat completion's messages carry, as strict as OpenRouter's
 * documentation: a message's `content` is a string or an array of content parts, and each part is one of
 * `text` {text}, `image_url` {image_url: {url}} with an https URL or a base64 data URL of an image,
 * `input_audio` {input_audio: {data, format}} with raw base64 (OpenRouter takes no audio URLs) and a
 * format, or `file` {file: {filename, file_data}} with a URL or a base64 data URL. Anything else is
 * refused with 400, as OpenRouter refuses a request it cannot validate.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const AUDIO_FORMATS = new Set(["wav", "mp3", "aiff", "aac", "ogg", "flac", "m4a", "pcm16", "pcm24", "webm"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** A data URL's parts, when `url` is one with base64 data. */
function dataUrl(url: string): { type: string; data: string } | undefined {
  const match = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s.exec(url);
  return match ? { type: match[1] as string, data: match[2] as string } : undefined;
}

function partProblem(part: unknown, where: string): string | undefined {
  if (!isObject(part)) return `${where} is not an object`;
  switch (part.type) {
    case "text":
      return typeof part.text === "string" ? undefined : `${where}.text must be a string`;
    case "image_url": {
      const image = part.image_url;
      if (!isObject(image) || typeof image.url !== "string") return `${where}.image_url.url is required`;
      if (image.url.startsWith("https://")) return undefined;
      const data = dataUrl(image.url);
      if (
        data === undefined ||
        !data.type.startsWith("image/") ||
        !BASE64.test(data.data) ||
        data.data === ""
      ) {
        return `${where}.image_url.url must be an https URL or a base64 data URL of an image`;
      }
      return undefined;
    }
    case "input_audio": {
      const audio = part.input_audio;
      if (!isObject(audio) || typeof audio.data !== "string" || typeof audio.format !== "string") {
        return `${where}.input_audio requires data and format`;
      }
      if (audio.data === "" || !BASE64.test(audio.data)) return `${where}.input_audio.data must be base64`;
      if (!AUDIO_FORMATS.has(audio.format))
        return `${where}.input_audio.format "${audio.format}" is not supported`;
      return undefined;
    }
    case "file": {
      const file = part.file;
      if (!isObject(file) || typeof file.filename !== "string" || typeof file.file_data !== "string") {
        return `${where}.file requires filename and file_data`;
      }
      if (file.file_data.startsWith("https://")) return undefined;
      const data = dataUrl(file.file_data);
      if (data === undefined || !BASE64.test(data.data) || data.data === "") {
        return `${where}.file.file_data must be a URL or a base64 data URL`;
      }
      return undefined;
    }
    default:
      return `${where}.type "${String(part.type)}" is not a content part type`;
  }
}

/** Why the body's messages are not valid, or undefined when they are. */
export function contentProblem(body: unknown): string | undefined {
  const messages = isObject(body) ? body.messages : undefined;
  if (!Array.isArray(messages)) return "messages must be an array";
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages[${i}] is not an object`;
    const { content } = message;
    if (typeof content === "string") continue;
    if (!Array.isArray(content) || content.length === 0) {
      return `messages[${i}].content must be a string or a non-empty array of content parts`;
    }
    if (message.role !== "user" && content.some((p) => isObject(p) && p.type !== "text")) {
      return `messages[${i}]: only user messages may carry images, audio or files`;
    }
    for (const [j, part] of content.entries()) {
      const problem = partProblem(part, `messages[${i}].content[${j}]`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
