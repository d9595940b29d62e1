# The model registry: /models, /model, /models_sync, /model_add and the admins' notices, in Russian. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

usage-model = Использование: /model — активная модель; /model <id> — сделать модель активной. Список: /models

models-header = Модели (★ — модель бота по умолчанию, активная; 👤 — ваша собственная, для ваших вопросов):
models-footer = Своя модель: /mymodel <id> (вернуться к модели по умолчанию: /mymodel reset). Модель по умолчанию (администраторы): /model <id>
active-model = Активная модель: ★ { $label } ({ $key }), id { $id }.
    Сменить: /model <id>, список: /models
model-switched = Готово. Активная модель: ★ { $label } ({ $key }).
model-not-found = Модели с id { $raw } нет. Ничего не изменено. Список: /models
invalid-model-id = «{ $raw }» — не id модели. Список моделей с их id: /models
model-switch-forbidden = Менять модель могут только администраторы бота. Ничего не изменено.
no-active-model = Активная модель не выбрана. Выберите: /model <id>

registry-active-lost = ⚠️ Активная модель { $label } ({ $key }) больше не доступна бесплатно в OpenRouter и помечена недоступной. Вопросы пока отвечают запасные модели. Выберите другую активную: /models, /model <id>
registry-model-gone = ⚠️ OpenRouter сообщает, что модели { $label } ({ $key }) нет или у неё сейчас нет провайдера: она помечена недоступной и больше не используется как запасная. /models_sync вернёт её, когда OpenRouter снова покажет её бесплатной.

model-line = { $active ->
        [yes] ★
       *[no] { "  " }
    } { $id }. { $label } — { $key }{ $context ->
        [none] {""}
       *[other] , контекст { $context }
    }{ $available ->
        [no] {" "}(недоступна)
       *[yes] {""}
    }{ $own ->
        [yes] {" "}👤
       *[no] {""}
    }
model-unavailable = Модель { $label } ({ $key }) сейчас недоступна в OpenRouter (нет или больше не бесплатная) — её нельзя сделать активной. Список: /models
models-sync-failed = Сверка с OpenRouter не удалась ({ $reason }): ничего не изменено.
models-sync-report = Сверка с OpenRouter: доступно { $available } из { $total }.
models-sync-unavailable = Стали недоступны: { $keys }.
models-sync-available = Снова доступны: { $keys }.
models-sync-new = Новые бесплатные модели (добавить: /model_add <key>):
models-sync-new-line = { $key } — { $name }{ $context ->
        [none] {""}
       *[other] , контекст { $context }
    }
no-available-model = Активная модель { $label } ({ $key }) сейчас недоступна в OpenRouter, а доступной запасной нет. Попросите администратора выбрать другую: /models
models-sync-active-lost = ⚠️ Активная модель { $label } ({ $key }) стала недоступна: вопросы идут к первой доступной запасной модели. Выберите другую: /model <id>
models-sync-none-new = Новых бесплатных моделей нет.
models-admins-only = Эта команда — только для администраторов бота. Ничего не изменено.
admin-how-to = Ваш Telegram id: { $id }. Чтобы сделать вас администратором, владелец бота добавляет его в переменную ADMIN_USER_IDS.
model-add-usage = Использование: /model_add <key> — ключ бесплатной модели из списка /models_sync.
model-add-not-listed = Модели { $key } нет среди бесплатных моделей OpenRouter. Ничего не добавлено.
model-add-exists = Модель { $key } уже есть в реестре (id { $id }).
model-added = Модель { $label } ({ $key }) добавлена, id { $id }. Сделать активной: /model { $id }

mymodel-usage = Использование: /mymodel — ваша модель; /mymodel <id> — отвечать на ваши вопросы моделью <id> (список с id: /models); /mymodel reset — вернуться к модели бота по умолчанию.
mymodel-none = Своей модели у вас нет: ваши вопросы идут к модели бота по умолчанию, ★ { $label } ({ $key }).
mymodel-own = Ваша модель: 👤 { $label } ({ $key }), id { $id }. Модель бота по умолчанию: ★ { $defaultLabel } ({ $defaultKey }).
mymodel-own-unavailable = Ваша модель 👤 { $label } ({ $key }), id { $id }, сейчас недоступна в OpenRouter: ваши вопросы идут к модели бота по умолчанию, ★ { $defaultLabel } ({ $defaultKey }). Выберите другую: /mymodel <id>
mymodel-no-default = Модели по умолчанию у бота сейчас нет.
mymodel-set = Готово: теперь ваши вопросы идут к 👤 { $label } ({ $key }), во всех чатах. Вернуться к модели бота по умолчанию: /mymodel reset
mymodel-reset = Готово: ваши вопросы снова идут к модели бота по умолчанию.
mymodel-unavailable = Модель { $label } ({ $key }) сейчас недоступна в OpenRouter (нет или больше не бесплатная) — она не может быть вашей моделью. Ничего не изменено. Список: /models
mymodel-gone = ⚠️ Ваша модель { $label } ({ $key }) сейчас недоступна в OpenRouter: ваши вопросы идут к модели бота по умолчанию, пока вы не выберете другую (/mymodel <id>) или она не вернётся.
