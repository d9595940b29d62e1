/**
 * Downloads a document a user sent, through the Bot API: getFile gives its path, and the file is read
 * from `<apiRoot>/file/bot<token>/<path>`. That URL carries the bot's token: it is never logged, never
 * put in an error (a failure says only its HTTP status or "network"), never sent anywhere else.
 */
import { type Api, GrammyError } from "grammy";

/** Why a download failed, with nothing of the URL in it. */
export class DownloadError extends Error {
  constructor(readonly reason: string) {
    super(`file download failed: ${reason}`);
    this.name = "DownloadError";
  }
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

export function createFileDownloader({ api, apiRoot, token }: { api: Api; apiRoot: string; token: string }) {
  return {
    /** The file's bytes; "too-big" past `maxBytes` (read no further). */
    async download(fileId: string, maxBytes: number): Promise<Uint8Array | "too-big"> {
      let file: Awaited<ReturnType<Api["getFile"]>>;
      try {
        file = await api.getFile(fileId);
      } catch (error) {
        if (!(error instanceof GrammyError)) throw error;
        // Telegram refuses files over 20 MB to bots ("Bad Request: file is too big").
        if (/too big/i.test(error.description)) return "too-big";
        throw new DownloadError(`getFile ${error.error_code}`);
      }
      if (file.file_size !== undefined && file.file_size > maxBytes) return "too-big";
      if (file.file_path === undefined) throw new DownloadError("no file path");
      let response: Response;
      try {
        response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`, {
          signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
        });
      } catch {
        throw new DownloadError("network");
      }
      if (!response.ok || response.body === null) {
        await response.body?.cancel();
        throw new DownloadError(`status ${response.status}`);
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body) {
          size += chunk.length;
          // Leaving the loop cancels the rest of the body.
          if (size > maxBytes) return "too-big";
          chunks.push(chunk);
        }
      } catch {
        throw new DownloadError("network");
      }
      return Buffer.concat(chunks);
    },
  };
}

export type FileDownloader = ReturnType<typeof createFileDownloader>;
