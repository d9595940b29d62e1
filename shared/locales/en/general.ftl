# The greeting, /help, the command menu, /lang and the replies every feature shares, in English. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

cmd-start = Get started
cmd-help = Help on commands
cmd-note_add = Save a note
cmd-note_list = Latest notes
cmd-note_find = Find notes
cmd-note_edit = Edit a note
cmd-note_del = Delete a note
cmd-note_count = How many notes I have
cmd-note_export = Export notes (txt, json, md)
cmd-note_import = Import notes from a file
cmd-note_stats = Notes per day
cmd-models = List of models
cmd-model = The bot's default model
cmd-ask = Ask the model
cmd-cancel = Cancel my question
cmd-reset = Start the conversation afresh

command-list =
    /note_add <text> — save a note
    /note_list [N] — your latest N notes (default { $listDefault }, at most { $listMax })
    /note_find <text> — find notes containing this text (case-insensitive)
    /note_edit <id> <text> — change a note
    /note_del <id> — delete a note
    /note_count — how many notes you have
    /note_export [txt|json|md] — all your notes as a file (.txt by default)
    /note_import — with a file (as its caption, or replying to it): add the notes of a .json, .md or .txt file
    /note_stats [days] — notes added per day (default { $statsDefault }, at most { $statsMax })
    /models — list of models
    /model [id] — the bot's default model; with an id, make it the default (admins)
    /mymodel [id|reset] — your own model for your questions; reset — back to the default
    /models_sync — check the models against OpenRouter (admins)
    /model_add <key> — add a free OpenRouter model (admins)
    /usage — your questions and tokens: today and in all
    /ask <question> — ask the model (in a private chat, just write the question)
    A photo, a voice message or a file (.txt, .md, .csv, .json, code, PDF) with a question in its caption, or /ask as a reply to it — a question about it; /note_add as a reply to a voice message saves its transcript
    /ask_notes <question> — an answer from your notes, citing them as #id
    /note_digest [days] — a digest of your notes of the last days (default { $statsDefault })
    /retry [id] — ask the last question again (with an id: with another model)
    /cancel — cancel your questions that have no answer yet
    /reset — start the conversation with the model afresh
    /remind <when> <text> — a reminder: “tomorrow 9am call mom”, “in 2 hours …” (your /tz)
    /reminders — your pending reminders, each with a cancel button
    /tz <zone> — your time zone (an IANA name such as Europe/Berlin; default UTC)
    /persona [name|text|reset] — this chat's persona: a preset or your own text (up to { $personaMax } characters)
    /lang ru|en — the bot's language
    A forwarded message (a text, a photo's caption, an album) is saved as a note with its source.
    @{ $bot } <words> in any chat — search your notes
    /help — this help
    /start — greeting
help-footer = A note may be up to { $noteMax } characters long. Dates of notes are in UTC; reminders go by your time zone (/tz).
start = { $name ->
        [none] Hello!
       *[other] Hello, { $name }!
    } I keep your notes and answer questions with a language model.
help-header = Commands:
unknown-command = Unknown command. The list of commands: /help
access-denied = Sorry, this bot is available to invited users only.
not-a-person = I answer people only: notes, memory and questions belong to whoever writes. Write to me as yourself (not anonymously, not as a channel) or in a private chat.
no-arguments = The command /{ $command } takes no arguments.

error-storage-unavailable = Note storage is temporarily unavailable. Try again in a minute — nothing is lost.
error-internal = Something went wrong. Try again a little later.
error-too-many-updates = ⚠️ Too many messages at once: I'll handle the first { $count } and skip the rest. Please send them again a little later.

cmd-ask_notes = Ask about my notes
cmd-note_digest = Digest of recent notes
cmd-retry = Ask again
cmd-usage = My questions and tokens
cmd-lang = The bot's language
help-notes-privacy = /ask_notes sends the notes matching the question to the model's provider.

lang-usage = Usage: /lang ru or /lang en.
lang-switched = Done: I will speak English with you now.

cmd-models_sync = Check the models against OpenRouter
cmd-model_add = Add a free model
cmd-remind = Set a reminder
cmd-reminders = My reminders
cmd-tz = My time zone
cmd-mymodel = My own model
cmd-persona = This chat's persona
