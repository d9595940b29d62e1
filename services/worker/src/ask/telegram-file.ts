/**
 * Downloads a file a user sent, by its Telegram file id: `getFile`, then the file itself from
 * `<apiRoot>/file/bot<token>/<file_path>`, bounded by the caller's signal (the ask's deadline) and a
 * size limit counted as the bytes arrive. That URL carries the bot token: it is built here, used for
 * this one request to Telegram, and never logged, returned or put into an error. What fails is a
 * value naming why, in words safe to show: Telegram's own "file is too big" (past the Bot API's 20 MB),
 * a size past the limit, or the download failing.
 */
import { type Api, GrammyError } from "grammy";

export type Download =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "too_big"; size: number | undefined }
  /** `detail`: Telegram's status or description, or "network"/"timeout" — never the URL. */
  | { ok: false; reason: "failed"; detail: string };

export interface FileSource {
  api: Api;
  token: string;
  apiRoot: string;
}

export function createFileDownload(source: FileSource) {
  return async function download(fileId: string, limitBytes: number, signal: AbortSignal): Promise<Download> {
    let path: string | undefined;
    let size: number | undefined;
    try {
      // grammY types its signal as the abort-controller package's; Node's own is what it uses.
      const file = await source.api.getFile(fileId, signal as Parameters<Api["getFile"]>[1]);
      path = file.file_path;
      size = file.file_size;
    } catch (error) {
      if (error instanceof GrammyError) {
        if (/file is too big/i.test(error.description))
          return { ok: false, reason: "too_big", size: undefined };
        return { ok: false, reason: "failed", detail: `getFile ${error.error_code}` };
      }
      return { ok: false, reason: "failed", detail: signal.aborted ? "timeout" : "network" };
    }
    if (size !== undefined && size > limitBytes) return { ok: false, reason: "too_big", size };
    if (path === undefined) return { ok: false, reason: "failed", detail: "no file_path" };
    try {
      const response = await fetch(`${source.apiRoot}/file/bot${source.token}/${path}`, { signal });
      if (!response.ok || response.body === null) {
        await response.body?.cancel().catch(() => {});
        return { ok: false, reason: "failed", detail: `HTTP ${response.status}` };
      }
      const chunks: Uint8Array[] = [];
      let received = 0;
      for await (const chunk of response.body) {
        received += chunk.byteLength;
        if (received > limitBytes) {
          await response.body.cancel().catch(() => {});
          return { ok: false, reason: "too_big", size: received };
        }
        chunks.push(chunk);
      }
      return { ok: true, bytes: Buffer.concat(chunks) };
    } catch {
      // fetch's errors may name the URL: none of it goes on.
      return { ok: false, reason: "failed", detail: signal.aborted ? "timeout" : "network" };
    }
  };
}

export type FileDownload = ReturnType<typeof createFileDownload>;
