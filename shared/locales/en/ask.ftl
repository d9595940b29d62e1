# Asks: /ask, /ask_notes, /note_digest, /retry, failures, prompts and the save button, in English. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

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
save-done = Saved as note #{ $id }.
save-not-yours = This button is for the one who asked.
save-expired = This answer can no longer be saved: it is more than a day old.
