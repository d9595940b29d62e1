# Every text the bot says, in English. ru.ftl has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

## Command menu (setMyCommands)
cmd-start = Get started
cmd-help = Help on commands
cmd-note_add = Save a note
cmd-note_list = Latest notes
cmd-note_find = Find notes
cmd-note_edit = Edit a note
cmd-note_del = Delete a note
cmd-note_count = How many notes I have
cmd-note_export = Export notes as .txt
cmd-note_stats = Notes per day
cmd-models = List of models
cmd-model = Active model
cmd-ask = Ask the model
cmd-cancel = Cancel my question
cmd-reset = Start the conversation afresh

## Greeting and help
command-list =
    /note_add <text> — save a note
    /note_list [N] — your latest N notes (default { $listDefault }, at most { $listMax })
    /note_find <text> — find notes containing this text (case-insensitive)
    /note_edit <id> <text> — change a note
    /note_del <id> — delete a note
    /note_count — how many notes you have
    /note_export — all your notes as a .txt file
    /note_stats [days] — notes added per day (default { $statsDefault }, at most { $statsMax })
    /models — list of models
    /model [id] — the active model; with an id, make it active
    /models_sync — check the models against OpenRouter (admins)
    /model_add <key> — add a free OpenRouter model (admins)
    /usage — your questions and tokens: today and in all
    /ask <question> — ask the model (in a private chat, just write the question)
    /ask_notes <question> — an answer from your notes, citing them as #id
    /note_digest [days] — a digest of your notes of the last days (default { $statsDefault })
    /retry [id] — ask the last question again (with an id: with another model)
    /cancel — cancel your questions that have no answer yet
    /reset — start the conversation with the model afresh
    /usage — your questions and tokens
    /lang ru|en — the bot's language
    /help — this help
    /start — greeting
help-footer = A note may be up to { $noteMax } characters long. Dates are in UTC.
start = { $name ->
        [none] Hello!
       *[other] Hello, { $name }!
    } I keep your notes and answer questions with a language model.
help-header = Commands:
unknown-command = Unknown command. The list of commands: /help
access-denied = Sorry, this bot is available to invited users only.
not-a-person = I answer people only: notes, memory and questions belong to whoever writes. Write to me as yourself (not anonymously, not as a channel) or in a private chat.
no-arguments = The command /{ $command } takes no arguments.

## Usage
usage-note_add = Write the note's text after the command: /note_add <text> (up to { $noteMax } characters).
usage-note_list = Usage: /note_list [N], where N is from 1 to { $listMax }.
usage-note_find = Write what to look for: /note_find <text>.
usage-note_edit = Usage: /note_edit <id> <new text> (up to { $noteMax } characters).
usage-note_del = Usage: /note_del <id>.
usage-note_stats = Usage: /note_stats [days], where days is from 1 to { $statsMax }.
usage-model = Usage: /model — the active model; /model <id> — make a model active. The list: /models

## Notes
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

## Models
models-header = Models (★ — the active one):
models-footer = Switch the model: /model <id>
active-model = Active model: ★ { $label } ({ $key }), id { $id }.
    Switch: /model <id>, list: /models
model-switched = Done. Active model: ★ { $label } ({ $key }).
model-not-found = There is no model with id { $raw }. Nothing was changed. The list: /models
invalid-model-id = “{ $raw }” is not a model id. The models with their ids: /models
model-switch-forbidden = Only the bot's admins may switch the model. Nothing was changed.
no-active-model = No model is active. Choose one: /model <id>

## Asks
ask-usage = Write your question after the command: /ask <question>.
ask-too-long = The question is too long: { $length } characters, at most { $questionMax } allowed. Please shorten it.
ask-placeholder = ⏳ Thinking…
ask-queued = ⏳ Your question is queued: { $ahead } of your { $ahead ->
        [one] questions is
       *[other] questions are
    } ahead of it. I will answer them in order.
ask-waiting-turn = ⏳ Your question is number { $place } in the queue for the model. Its answer starts in about { $minutes } min.
ask-queue-full = Too many questions are waiting for the model: yours would not get its turn within { $seconds } s (the time limit for one question). Ask again in a few minutes.
ask-cancelled = Question cancelled.
ask-interrupted = ⚠️ The answer broke off; shown is what arrived. { $reason }
ask-cut-too-long = ✂️ The answer was too long; shown is its beginning. Ask for a shorter one, or for it in parts.
ask-cancelled-count = Questions cancelled: { $count }.
ask-nothing-to-cancel = Nothing to cancel: you have no questions in progress.
ask-memory-reset = Starting afresh: the earlier conversation with the model is forgotten.
ask-too-many = Too many questions: at most { $perMinute } a minute. Wait a little and ask again.
ask-unavailable = Questions to the model are unavailable right now: the queue does not answer. Try again in a minute. Notes work as usual.
ask-system-prompt = You are a helpful assistant in Telegram. Answer in the language of the question, to the point, without preambles. You may use Markdown.
ask-retrying = ⏳ The model answered with an error [{ $label }], trying again (attempt { $attempt } of { $attempts })…
ask-footer = ({ $latencyMs } ms; model: { $modelKey })
ask-failure = Error: [{ $label }] { $explanation }
ask-status-400 = The request to the model is invalid — for example, the question is too long for it. Rephrase it or choose another model: /models
ask-status-401 = OpenRouter did not accept the API key. Tell the bot's admin.
ask-status-402 = The OpenRouter account lacks the credits for this model. Choose a free model: /models
ask-status-403 = OpenRouter's moderation refused the request. Rephrase the question.
ask-status-404 = The model was not found on OpenRouter. Choose another one: /models
ask-status-408 = The model did not answer in time. Try again.
ask-status-429 = Too many requests to the model. Wait a minute and ask again.
ask-status-500 = OpenRouter had an internal error. Try again later.
ask-status-502 = The model's provider returned an error or is down. Try again later or choose another model: /models
ask-status-503 = OpenRouter is temporarily unavailable. Try again later.
ask-status-504 = The model's provider did not answer in time. Try again later.
ask-unknown-status = OpenRouter answered with an unexpected error. Try again later.
ask-timeout = The model did not answer within { $seconds } s. Try again later or choose another one: /models
ask-network = Could not reach OpenRouter. Try again later.
ask-deadline = No answer within { $seconds } s — the time limit for one question (retries and fallback models included). Try again later or choose another model: /models
ask-internal = The question could not be handled because of an internal failure of the bot. Try again in a minute.
ask-empty-answer = The model returned an empty answer. Try rephrasing the question.
ask-content-filter = The model provider's content filter withheld the answer. Rephrase the question or choose another model: /models
ask-length-empty = The model used up its output length limit (for example, on reasoning) before giving any answer. Choose another model: /models
ask-model-gone = The model { $modelKey } is no longer on OpenRouter or no provider serves it now; it is marked unavailable. Choose another one: /models
ask-cut-length = ⚠️ The answer is cut short: the model reached its output length limit.
ask-cut-content-filter = ⚠️ The answer is cut short: the model provider's content filter withheld the rest.
ask-missing-key = Error: the OpenRouter key (OPENROUTER_API_KEY) is not set up, so questions to the model are unavailable. Tell the bot's admin.
ask-breaker-open = Error: the model { $modelKey } is temporarily unavailable — it has failed too often. Try again in a minute or choose another one: /models
ask-notes-system-prompt = You are an assistant who answers the user's questions only from their notes given below. Each note starts with its number, such as #12. Rely only on these notes and cite the ones you use as #number. If the notes do not hold the answer, say so; do not make anything up. Answer in the language of the question, briefly. You may use Markdown.
ask-notes-request = My notes:
    { $notes }

    Question: { $question }
ask-digest-system-prompt = You are an assistant who writes a short digest of the user's notes given below. Each note starts with its number, such as #12. Group them by topic, bring out what matters, tasks and dates, and cite the notes as #number. Add nothing the notes do not say. Write in English. You may use Markdown.
ask-digest-request = My notes of the last { $days } { $days ->
        [one] day
       *[other] days
    }, newest first:
    { $notes }
ask-digest-footer = ({ $latencyMs } ms; model: { $modelKey }; from { $covered } of { $total } { $totalCount ->
        [one] note
       *[other] notes
    })
ask-save-button = 📝 Save as note
ask-status-429-daily = OpenRouter's free daily limit of requests is used up. It resets at { $resetAt } UTC; until then questions to free models will not go through.

## Registry
registry-active-lost = ⚠️ The active model { $label } ({ $key }) is no longer available for free on OpenRouter and was marked unavailable. Fallback models answer questions for now. Choose another active one: /models, /model <id>
registry-model-gone = ⚠️ OpenRouter says the model { $label } ({ $key }) does not exist or has no provider now: it was marked unavailable and is no longer used as a fallback. /models_sync makes it available again once OpenRouter lists it for free.

## Errors
error-storage-unavailable = Note storage is temporarily unavailable. Try again in a minute — nothing is lost.
error-internal = Something went wrong. Try again a little later.
error-too-many-updates = ⚠️ Too many messages at once: I'll handle the first { $count } and skip the rest. Please send them again a little later.

## Notes and the model (gateway)
cmd-ask_notes = Ask about my notes
cmd-note_digest = Digest of recent notes
cmd-retry = Ask again
cmd-usage = My questions and tokens
cmd-lang = The bot's language
ask-notes-usage = Write your question after the command: /ask_notes <question>. I will answer from your notes and cite them as #id.
ask-notes-nothing = Nothing in your notes matches this question, so I did not ask the model. Try other words or /note_find.
ask-notes-privacy = ℹ️ To answer, the chosen notes (only those matching the question) are sent to the model's provider through OpenRouter. Free models may store and publish prompts. To avoid that, ask the admin to choose a model whose provider keeps no data (/models). This message is shown once.
digest-usage = Usage: /note_digest [days], where days is from 1 to { $daysMax } (default { $daysDefault }).
digest-nothing = No notes in the last { $days } { $days ->
        [one] day
       *[other] days
    } — nothing to sum up.
digest-question = A digest of my notes of the last { $days } { $days ->
        [one] day
       *[other] days
    }
retry-nothing = Nothing to repeat: this chat has had no question yet (or the conversation was started afresh with /reset).
retry-usage = Usage: /retry — ask the last question again; /retry <id> — with another model (list: /models).
help-notes-privacy = /ask_notes sends the notes matching the question to the model's provider.

## Usage and languages (gateway)
usage-report = Your questions today (UTC): { $asksToday }, tokens: { $tokensToday }.
    In all: { $asks }, tokens: { $tokens }.
usage-bot = The whole bot today: questions { $asksToday }, tokens { $tokensToday }; in all: questions { $asks }, tokens { $tokens }.
usage-key = OpenRouter key: { $tier ->
        [free] free tier (no credits bought)
       *[paid] credits bought
    }; { $limited ->
        [yes] credit limit { $limit }, { $remaining } of it left
       *[no] no credit limit of its own
    }; spent today: { $daily }.
usage-free-left = Free requests left today: about { $left } of { $cap } (resets at 00:00 UTC).
usage-free-cap-unknown = Free requests: the bot answered { $used } questions today. OpenRouter allows { $low } free-model requests a day, or { $high } once at least { $credits } credits were bought in all; the key's state does not say which applies (resets at 00:00 UTC).
usage-key-unavailable = The OpenRouter key's state cannot be read now ({ $reason }).
usage-no-limit = none
lang-usage = Usage: /lang ru or /lang en.
lang-switched = Done: I will speak English with you now.

## Registry (gateway)
cmd-models_sync = Check the models against OpenRouter
cmd-model_add = Add a free model
model-line = { $active ->
        [yes] ★
       *[no] { "  " }
    } { $id }. { $label } — { $key }{ $context ->
        [none] {""}
       *[other] , context { $context }
    }{ $available ->
        [no] {" "}(unavailable)
       *[yes] {""}
    }
model-unavailable = The model { $label } ({ $key }) is unavailable on OpenRouter now (gone or no longer free), so it cannot be made active. The list: /models
models-sync-failed = The check against OpenRouter failed ({ $reason }): nothing was changed.
models-sync-report = Checked against OpenRouter: { $available } of { $total } available.
models-sync-unavailable = Now unavailable: { $keys }.
models-sync-available = Available again: { $keys }.
models-sync-new = New free models (to add one: /model_add <key>):
models-sync-new-line = { $key } — { $name }{ $context ->
        [none] {""}
       *[other] , context { $context }
    }
no-available-model = The active model { $label } ({ $key }) is unavailable on OpenRouter now, and no fallback is available. Ask an admin to choose another: /models
models-sync-active-lost = ⚠️ The active model { $label } ({ $key }) became unavailable: asks go to the first available fallback model. Choose another: /model <id>
models-sync-none-new = No new free models.
models-admins-only = This command is for the bot's admins only. Nothing was changed.
admin-how-to = Your Telegram id: { $id }. To make you an admin, the bot's owner adds it to the ADMIN_USER_IDS variable.
model-add-usage = Usage: /model_add <key> — the key of a free model from /models_sync's list.
model-add-not-listed = { $key } is not among OpenRouter's free models. Nothing was added.
model-add-exists = The model { $key } is in the registry already (id { $id }).
model-added = The model { $label } ({ $key }) was added, id { $id }. To make it active: /model { $id }

## The save button (gateway)
save-done = Saved as note #{ $id }.
save-not-yours = This button is for the one who asked.
save-expired = This answer can no longer be saved: it is more than a day old.
