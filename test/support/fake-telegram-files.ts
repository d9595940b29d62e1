/**
 * The fake Telegram's files: what a test puts there (a photo, a voice message, a document) and the two
 * ways the Bot API gives a file to a bot, with its real errors. `getFile` answers a File with its
 * `file_path`, or 400 "Bad Request: invalid file_id" for an id it never gave, or 400 "Bad Request: file
 * is too big" past the 20 MB a bot may download; `GET /file/bot<token>/<file_path>` answers the bytes,
 * or 404 when the path is unknown or has expired (Telegram keeps a path valid for an hour).
 */
import type { ServerResponse } from "node:http";

/** The Bot API's download limit for bots. */
export const BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  /** What getFile reports (by default the bytes' length; a test may claim more, without the bytes). */
  size: number;
  path: string;
  bytes: Uint8Array;
}

type Result = { ok: true; result: unknown } | { ok: false; error_code: number; description: string };

export class FakeTelegramFiles {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private next = 1;
  /** Every download asked for, by path, in order (a test reads what was fetched). */
  readonly downloads: string[] = [];

  /** Stores `bytes` as a file (`size`: what Telegram reports, when a test needs a larger one than it sends). */
  add(bytes: Uint8Array, options: { size?: number; extension?: string; folder?: string } = {}): StoredFile {
    const n = this.next++;
    const file: StoredFile = {
      fileId: `AgACAgIAAxkBAAI-fake-${n}-${Math.random().toString(36).slice(2, 10)}`,
      fileUniqueId: `AQAD-fake-${n}`,
      size: options.size ?? bytes.byteLength,
      path: `${options.folder ?? "documents"}/file_${n}.${options.extension ?? "bin"}`,
      bytes,
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.path, file);
    return file;
  }

  /** Makes the file's path answer 404 from now on, as an expired path does; getFile still finds it. */
  expire(file: StoredFile): void {
    this.byPath.delete(file.path);
  }

  getFile(payload: Record<string, unknown>): Result {
    const file = this.byId.get(String(payload.file_id ?? ""));
    if (file === undefined)
      return { ok: false, error_code: 400, description: "Bad Request: invalid file_id" };
    if (file.size > BOT_DOWNLOAD_LIMIT) {
      return { ok: false, error_code: 400, description: "Bad Request: file is too big" };
    }
    return {
      ok: true,
      result: {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        file_size: file.size,
        file_path: file.path,
      },
    };
  }

  /** Answers a download of `path` (the part after `/file/bot<token>/`). */
  serve(path: string, res: ServerResponse): void {
    this.downloads.push(path);
    const file = this.byPath.get(decodeURIComponent(path));
    if (file === undefined) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
      return;
    }
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": file.bytes.byteLength,
    });
    res.end(Buffer.from(file.bytes));
  }
}
