# The note commands, in English. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

usage-note_add = Write the note's text after the command: /note_add <text> (up to { $noteMax } characters).
usage-note_list = Usage: /note_list [N], where N is from 1 to { $listMax }.
usage-note_find = Write what to look for: /note_find <text>.
usage-note_edit = Usage: /note_edit <id> <new text> (up to { $noteMax } characters).
usage-note_del = Usage: /note_del <id>.
usage-note_stats = Usage: /note_stats [days], where days is from 1 to { $statsMax }.
invalid-id = “{ $raw }” is not a note number. A number is a positive whole number, such as 12.
note-too-long = The note is too long: { $length } characters, at most { $noteMax } allowed. Nothing was saved.
unstorable-characters = The text contains a null character (NUL), which cannot be stored. Remove it and try again.
note-added = Note #{ $id } saved.
note-edited = Note #{ $id } changed.
note-deleted = Note #{ $id } deleted.
note-not-found = You have no note #{ $id }.
note-count = { $count ->
        [0] You have no notes yet.
        [one] You have { $count } note.
       *[other] You have { $count } notes.
    }
no-notes = You have no notes yet. Add the first one: /note_add <text>
list-header = Your latest notes ({ $shown }), times in UTC:
find-header = { $total ->
        [one] Found { $total } note
       *[other] Found { $total } notes
    } with “{ $query }”{ $more ->
        [yes] , showing the { $shown } newest:
       *[no] :
    }
find-nothing = No notes with “{ $query }” found.
export-caption = Your notes: { $count }. Times in UTC.
export-caption-part = The export continued, part { $part }.
export-empty = Nothing to export: you have no notes yet.
stats-header = Notes over the last { $days } { $days ->
        [one] day
       *[other] days
    } (UTC): { $total } in all.
stats-only-non-empty = Only days with notes are shown.
