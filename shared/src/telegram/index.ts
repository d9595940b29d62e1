export { createFileDownload, type Download, type FileDownload, type FileSource } from "./file-download.js";
export { escapeHtml, htmlToPlainText } from "./html.js";
export { markdownToTelegramHtml } from "./markdown.js";
export {
  cutBeforePair,
  splitPlainText,
  splitTelegramHtml,
  TELEGRAM_MESSAGE_LIMIT,
  visibleLength,
} from "./split.js";
