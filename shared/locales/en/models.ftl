# The model registry: /models, /model, /models_sync, /model_add and the admins' notices, in English. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

usage-model = Usage: /model — the active model; /model <id> — make a model active. The list: /models

models-header = Models (★ — the bot's default, the active one; 👤 — your own, for your questions):
models-footer = Your own model: /mymodel <id> (back to the default: /mymodel reset). The default (admins): /model <id>
active-model = Active model: ★ { $label } ({ $key }), id { $id }.
    Switch: /model <id>, list: /models
model-switched = Done. Active model: ★ { $label } ({ $key }).
model-not-found = There is no model with id { $raw }. Nothing was changed. The list: /models
invalid-model-id = “{ $raw }” is not a model id. The models with their ids: /models
model-switch-forbidden = Only the bot's admins may switch the model. Nothing was changed.
no-active-model = No model is active. Choose one: /model <id>

registry-active-lost = ⚠️ The active model { $label } ({ $key }) is no longer available for free on OpenRouter and was marked unavailable. Fallback models answer questions for now. Choose another active one: /models, /model <id>
registry-model-gone = ⚠️ OpenRouter says the model { $label } ({ $key }) does not exist or has no provider now: it was marked unavailable and is no longer used as a fallback. /models_sync makes it available again once OpenRouter lists it for free.

model-line = { $active ->
        [yes] ★
       *[no] { "  " }
    } { $id }. { $label } — { $key }{ $context ->
        [none] {""}
       *[other] , context { $context }
    }{ $available ->
        [no] {" "}(unavailable)
       *[yes] {""}
    }{ $own ->
        [yes] {" "}👤
       *[no] {""}
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

mymodel-usage = Usage: /mymodel — your model; /mymodel <id> — answer your questions with model <id> (the list with ids: /models); /mymodel reset — back to the bot's default.
mymodel-none = You have no model of your own: your questions go to the bot's default, ★ { $label } ({ $key }).
mymodel-own = Your model: 👤 { $label } ({ $key }), id { $id }. The bot's default: ★ { $defaultLabel } ({ $defaultKey }).
mymodel-own-unavailable = Your model 👤 { $label } ({ $key }), id { $id }, is unavailable on OpenRouter now: your questions go to the bot's default, ★ { $defaultLabel } ({ $defaultKey }). Choose another: /mymodel <id>
mymodel-no-default = The bot has no default model now.
mymodel-set = Done: your questions go to 👤 { $label } ({ $key }) now, in every chat. Back to the bot's default: /mymodel reset
mymodel-reset = Done: your questions go to the bot's default model again.
mymodel-unavailable = The model { $label } ({ $key }) is unavailable on OpenRouter now (gone or no longer free), so it cannot be your model. Nothing was changed. The list: /models
mymodel-gone = ⚠️ Your model { $label } ({ $key }) is unavailable on OpenRouter now: your questions go to the bot's default model until you choose another (/mymodel <id>) or it is back.
