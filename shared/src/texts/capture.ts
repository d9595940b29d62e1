/** What capture and recall say: a forward or album saved (and undone), the inline search, /note_import, /note_export's formats. */
import { IMPORT_MAX_BYTES, IMPORT_MAX_NOTES, INLINE_RESULTS } from "../domain/index.js";
import { echo, id, limits, type Translate } from "./translate.js";

/** Why an import file was refused, as the import parser reports it (the reply names it). */
export type ImportProblem =
  | { problem: "encoding" }
  | { problem: "json" }
  | { problem: "not-array" }
  | { problem: "item"; item: number }
  | { problem: "empty" }
  | { problem: "too-many"; count: number }
  | { problem: "too-long"; item: number; length: number }
  | { problem: "nul"; item: number }
  | { problem: "md-line"; line: number };

const importLimits = {
  ...limits,
  maxBytes: id(IMPORT_MAX_BYTES),
  maxNotes: id(IMPORT_MAX_NOTES),
};

export const captureTexts = (t: Translate) => ({
  capture: {
    /** A forward saved: its note, where it came from, its photos, whether its text was cut. */
    saved: (noteId: string, origin: string, photos: number, cut: boolean) =>
      [
        t("capture-saved", { id: noteId, origin: echo(origin, 64) }),
        ...(photos > 0 ? [t("capture-photos", { count: photos })] : []),
        ...(cut ? [t("capture-cut", limits)] : []),
      ].join(" "),
    /** An album saved as one note: how many parts (captions, photos) it holds. */
    albumSaved: (noteId: string, origin: string, parts: number, photos: number, cut: boolean) =>
      [
        t("capture-album-saved", { id: noteId, origin: echo(origin, 64), parts }),
        ...(photos > 0 ? [t("capture-photos", { count: photos })] : []),
        ...(cut ? [t("capture-cut", limits)] : []),
      ].join(" "),
    nothing: t("capture-nothing"),
    undoButton: t("capture-undo-button"),
    /** The reply, once its note was undone. */
    undone: (noteId: string) => t("capture-undone", { id: noteId }),
  },
  inline: {
    /** The button over empty results (it opens the bot's chat). */
    nothing: (query: string) =>
      query === "" ? t("inline-no-notes") : t("inline-nothing", { query: echo(query, 30) }),
    denied: t("inline-denied"),
    pageSize: INLINE_RESULTS,
  },
  transfer: {
    exportUsage: t("usage-note_export"),
    importUsage: t("usage-note_import", importLimits),
    imported: (added: number, skipped: number) =>
      t("import-done", { added: id(added), skipped: id(skipped), total: added + skipped }),
    tooBig: (bytes: number) => t("import-too-big", { size: id(bytes), ...importLimits }),
    unknownFormat: t("import-unknown-format"),
    downloadFailed: t("import-download-failed"),
    malformed: (p: ImportProblem) => t("import-malformed", { reason: importReason(t, p) }),
  },
});

function importReason(t: Translate, p: ImportProblem): string {
  switch (p.problem) {
    case "item":
      return t("import-error-item", { item: id(p.item) });
    case "too-many":
      return t("import-error-too-many", { count: id(p.count), ...importLimits });
    case "too-long":
      return t("import-error-too-long", { item: id(p.item), length: id(p.length), ...limits });
    case "nul":
      return t("import-error-nul", { item: id(p.item) });
    case "md-line":
      return t("import-error-md-line", { line: id(p.line) });
    default:
      return t(`import-error-${p.problem}`, importLimits);
  }
}
