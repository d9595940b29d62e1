# Capture and recall, in English: forwards and albums saved as notes, undo, the inline search, /note_import and /note_export's formats. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

capture-saved = Saved as note #{ $id } (from { $origin }).
capture-album-saved = Album saved as one note #{ $id } (from { $origin }): { $parts ->
        [one] { $parts } part.
       *[other] { $parts } parts.
    }
capture-photos = { $count ->
        [one] 🖼 { $count } photo kept.
       *[other] 🖼 { $count } photos kept.
    }
capture-cut = The text was longer than { $noteMax } characters and was cut.
capture-nothing = There is nothing to save in this forward: I keep texts, captions and photos.
capture-undo-button = ↩️ Undo
capture-undone = ↩️ Undone: note #{ $id } deleted.

inline-no-notes = You have no notes yet — open the bot
inline-nothing = No notes with “{ $query }” — open the bot
inline-denied = This bot is available to invited users only

usage-note_export = Usage: /note_export [txt|json|md] (txt when none is given).
usage-note_import = Send a file with /note_import as its caption, or reply /note_import to a file: a JSON export of this bot (.json), a Markdown list of “- ” items (.md) or a text file with one note per paragraph (.txt). At most { $maxBytes } bytes and { $maxNotes } notes, each up to { $noteMax } characters. A note you already have (the same text) is skipped.
import-done = Import done: { $added } added, { $skipped } skipped (you had them already).
import-too-big = The file is { $size } bytes, at most { $maxBytes } can be imported. Nothing was imported.
import-unknown-format = I import .json, .md and .txt files only. Nothing was imported.
import-download-failed = I could not download the file from Telegram. Nothing was imported; try again a little later.
import-malformed = The file cannot be imported: { $reason }. Nothing was imported.
import-error-encoding = it is not UTF-8 text
import-error-json = it is not valid JSON
import-error-not-array = a JSON export is an array of notes
import-error-item = note { $item } has no text
import-error-empty = it has no notes
import-error-too-many = it has { $count } notes, at most { $maxNotes } at a time
import-error-too-long = note { $item } is { $length } characters long, at most { $noteMax }
import-error-nul = note { $item } contains a null character (NUL)
import-error-md-line = line { $line } is not a “- ” item
