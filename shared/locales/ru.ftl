# Every text the bot says, in Russian. en.ftl has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

## Command menu (setMyCommands)
cmd-start = Начать работу
cmd-help = Справка по командам
cmd-note_add = Сохранить заметку
cmd-note_list = Последние заметки
cmd-note_find = Найти заметки
cmd-note_edit = Изменить заметку
cmd-note_del = Удалить заметку
cmd-note_count = Сколько у меня заметок
cmd-note_export = Выгрузить заметки в .txt
cmd-note_stats = Заметки по дням
cmd-models = Список моделей
cmd-model = Активная модель
cmd-ask = Спросить модель
cmd-cancel = Отменить свой вопрос
cmd-reset = Начать разговор заново

## Greeting and help
command-list =
    /note_add <текст> — сохранить заметку
    /note_list [N] — последние N заметок (по умолчанию { $listDefault }, не больше { $listMax })
    /note_find <текст> — найти заметки с этим текстом (без учёта регистра)
    /note_edit <id> <текст> — изменить заметку
    /note_del <id> — удалить заметку
    /note_count — сколько у вас заметок
    /note_export — все заметки файлом .txt
    /note_stats [дни] — сколько заметок добавлено по дням (по умолчанию { $statsDefault }, не больше { $statsMax })
    /models — список моделей
    /model [id] — активная модель; с id — сделать её активной
    /models_sync — сверить модели с OpenRouter (для администраторов)
    /model_add <key> — добавить бесплатную модель OpenRouter (для администраторов)
    /usage — ваши вопросы и токены: сегодня и всего
    /ask <вопрос> — спросить модель (в личном чате можно просто написать вопрос)
    /ask_notes <вопрос> — ответ по вашим заметкам со ссылками #id
    /note_digest [дни] — сводка заметок за последние дни (по умолчанию { $statsDefault })
    /retry [id] — задать последний вопрос ещё раз (с id — другой моделью)
    /cancel — отменить свои вопросы, на которые ещё нет ответа
    /reset — начать разговор с моделью заново
    /usage — ваши вопросы и токены
    /lang ru|en — язык бота
    /help — эта справка
    /start — приветствие
help-footer = Длина заметки — до { $noteMax } символов. Даты — по UTC.
start = { $name ->
        [none] Здравствуйте!
       *[other] Здравствуйте, { $name }!
    } Я храню ваши заметки и отвечаю на вопросы с помощью языковой модели.
help-header = Команды:
unknown-command = Неизвестная команда. Список команд: /help
access-denied = Извините, этот бот доступен только приглашённым пользователям.
no-arguments = Команда /{ $command } используется без аргументов.

## Usage
usage-note_add = Напишите текст заметки после команды: /note_add <текст> (до { $noteMax } символов).
usage-note_list = Использование: /note_list [N], где N — от 1 до { $listMax }.
usage-note_find = Напишите, что искать: /note_find <текст>.
usage-note_edit = Использование: /note_edit <id> <новый текст> (до { $noteMax } символов).
usage-note_del = Использование: /note_del <id>.
usage-note_stats = Использование: /note_stats [дни], где дни — от 1 до { $statsMax }.
usage-model = Использование: /model — активная модель; /model <id> — сделать модель активной. Список: /models

## Notes
invalid-id = «{ $raw }» — не номер заметки. Номер — целое положительное число, например 12.
note-too-long = Заметка слишком длинная: { $length } символов, можно до { $noteMax }. Ничего не сохранено.
unstorable-characters = В тексте есть нулевой символ (NUL), его нельзя сохранить. Уберите его и попробуйте снова.
note-added = Заметка #{ $id } сохранена.
note-edited = Заметка #{ $id } изменена.
note-deleted = Заметка #{ $id } удалена.
note-not-found = Заметки #{ $id } у вас нет.
note-count = { $count ->
        [0] У вас пока нет заметок.
        [one] У вас { $count } заметка.
        [few] У вас { $count } заметки.
       *[many] У вас { $count } заметок.
    }
no-notes = У вас пока нет заметок. Добавьте первую: /note_add <текст>
list-header = Ваши последние заметки ({ $shown }), время UTC:
find-header = { $total ->
        [one] Найдена { $total } заметка
        [few] Найдено { $total } заметки
       *[many] Найдено { $total } заметок
    } с «{ $query }»{ $more ->
        [yes] , показаны { $shown } новейших:
       *[no] :
    }
find-nothing = Заметок с «{ $query }» не найдено.
export-caption = Ваши заметки: { $count }. Время UTC.
export-caption-part = Продолжение выгрузки, часть { $part }.
export-empty = Выгружать нечего: у вас пока нет заметок.
stats-header = Заметки за последние { $days } { $days ->
        [one] день
        [few] дня
       *[many] дней
    } (UTC): всего { $total }.
stats-only-non-empty = Показаны только дни с заметками.

## Models
models-header = Модели (★ — активная):
models-footer = Сменить модель: /model <id>
active-model = Активная модель: ★ { $label } ({ $key }), id { $id }.
    Сменить: /model <id>, список: /models
model-switched = Готово. Активная модель: ★ { $label } ({ $key }).
model-not-found = Модели с id { $raw } нет. Ничего не изменено. Список: /models
invalid-model-id = «{ $raw }» — не id модели. Список моделей с их id: /models
model-switch-forbidden = Менять модель могут только администраторы бота.
no-active-model = Активная модель не выбрана. Выберите: /model <id>

## Asks
ask-usage = Напишите вопрос после команды: /ask <вопрос>.
ask-too-long = Вопрос слишком длинный: { $length } символов, можно до { $questionMax }. Сократите его, пожалуйста.
ask-placeholder = ⏳ Думаю над ответом…
ask-queued = ⏳ Ваш вопрос в очереди: перед ним ещё { $ahead } { $ahead ->
        [one] ваш вопрос
        [few] ваших вопроса
       *[many] ваших вопросов
    }. Отвечу по порядку.
ask-waiting-turn = ⏳ Ваш вопрос в общей очереди к модели: { $place }-й по счёту. Ответ начнётся примерно через { $minutes } мин.
ask-queue-full = Слишком много вопросов ждут модель: очередь вашего не подошла бы за { $seconds } с (предел времени на один вопрос). Спросите снова через несколько минут.
ask-cancelled = Вопрос отменён.
ask-interrupted = ⚠️ Ответ оборвался, показано то, что успело прийти. { $reason }
ask-cancelled-count = Отменено вопросов: { $count }.
ask-nothing-to-cancel = Отменять нечего: у вас нет вопросов в работе.
ask-memory-reset = Начинаем заново: прошлый разговор с моделью забыт.
ask-too-many = Слишком много вопросов: не больше { $perMinute } в минуту. Подождите немного и спросите снова.
ask-unavailable = Вопросы к модели сейчас недоступны: очередь не отвечает. Попробуйте через минуту. Заметки работают как обычно.
ask-system-prompt = Ты — полезный ассистент в Telegram. Отвечай на языке вопроса, по делу и без лишних вступлений. Можно использовать Markdown.
ask-retrying = ⏳ Модель ответила ошибкой [{ $label }], пробую ещё раз (попытка { $attempt } из { $attempts })…
ask-footer = ({ $latencyMs } мс; модель: { $modelKey })
ask-failure = Ошибка: [{ $label }] { $explanation }
ask-status-400 = Запрос к модели некорректен — например, вопрос слишком длинный для неё. Переформулируйте или выберите другую модель: /models
ask-status-401 = OpenRouter не принял ключ API. Сообщите администратору бота.
ask-status-402 = На счёте OpenRouter не хватает средств для этой модели. Выберите бесплатную модель: /models
ask-status-403 = Запрос отклонён модерацией OpenRouter. Переформулируйте вопрос.
ask-status-404 = Модель не найдена в OpenRouter. Выберите другую: /models
ask-status-408 = Модель не успела ответить. Попробуйте ещё раз.
ask-status-429 = Слишком много запросов к модели. Подождите минуту и спросите снова.
ask-status-500 = Внутренняя ошибка OpenRouter. Попробуйте позже.
ask-status-502 = Провайдер модели вернул ошибку или недоступен. Попробуйте позже или выберите другую модель: /models
ask-status-503 = Сервис OpenRouter временно недоступен. Попробуйте позже.
ask-status-504 = Провайдер модели не ответил вовремя. Попробуйте позже.
ask-unknown-status = OpenRouter ответил неожиданной ошибкой. Попробуйте позже.
ask-timeout = Модель не ответила за { $seconds } с. Попробуйте позже или выберите другую: /models
ask-network = Не удалось связаться с OpenRouter. Попробуйте позже.
ask-deadline = Ответа нет за { $seconds } с — это предел времени на один вопрос (вместе с повторами и запасными моделями). Попробуйте позже или выберите другую модель: /models
ask-internal = Вопрос не удалось обработать из-за внутреннего сбоя бота. Попробуйте ещё раз через минуту.
ask-empty-answer = Модель вернула пустой ответ. Попробуйте переформулировать вопрос.
ask-missing-key = Ошибка: ключ OpenRouter (OPENROUTER_API_KEY) не настроен, вопросы к модели недоступны. Сообщите администратору бота.
ask-breaker-open = Ошибка: модель { $modelKey } временно недоступна — у неё слишком много сбоев подряд. Попробуйте через минуту или выберите другую: /models
ask-notes-system-prompt = Ты — помощник, который отвечает на вопросы пользователя только по его заметкам, приведённым ниже. Каждая заметка начинается со своего номера вида #12. Опирайся только на эти заметки и ссылайся на использованные в виде #номер. Если в заметках нет ответа, так и скажи, не выдумывай. Отвечай на языке вопроса, кратко. Можно использовать Markdown.
ask-notes-request = Мои заметки:
    { $notes }

    Вопрос: { $question }
ask-digest-system-prompt = Ты — помощник, который делает краткую сводку заметок пользователя, приведённых ниже. Каждая заметка начинается со своего номера вида #12. Сгруппируй их по темам, выдели главное, дела и даты и ссылайся на заметки в виде #номер. Ничего не выдумывай сверх заметок. Пиши по-русски. Можно использовать Markdown.
ask-digest-request = Мои заметки за { $days } { $days ->
        [one] последний день
        [few] последних дня
       *[many] последних дней
    }, новые сначала:
    { $notes }
ask-digest-footer = ({ $latencyMs } мс; модель: { $modelKey }; по { $covered } { $coveredCount ->
        [one] заметке
       *[other] заметкам
    } из { $total })
ask-save-button = 📝 В заметки
ask-status-429-daily = Дневной лимит бесплатных запросов OpenRouter исчерпан. Он обновится в { $resetAt } UTC; до тех пор вопросы к бесплатным моделям не пройдут.

## Registry
registry-active-lost = ⚠️ Активная модель { $label } ({ $key }) больше не доступна бесплатно в OpenRouter и помечена недоступной. Вопросы пока отвечают запасные модели. Выберите другую активную: /models, /model <id>

## Errors
error-storage-unavailable = Хранилище заметок временно недоступно. Попробуйте через минуту — ничего не потеряно.
error-internal = Что-то пошло не так. Попробуйте ещё раз чуть позже.

## Notes and the model (gateway)
cmd-ask_notes = Спросить по своим заметкам
cmd-note_digest = Сводка заметок за дни
cmd-retry = Спросить ещё раз
cmd-usage = Мои вопросы и токены
cmd-lang = Язык бота
ask-notes-usage = Напишите вопрос после команды: /ask_notes <вопрос>. Я отвечу по вашим заметкам и сошлюсь на них как #id.
ask-notes-nothing = В ваших заметках не нашлось ничего по этому вопросу, так что модель я не спрашивал. Попробуйте другие слова или /note_find.
ask-notes-privacy = ℹ️ Для ответа выбранные заметки (только подходящие к вопросу) отправляются провайдеру модели через OpenRouter. Бесплатные модели могут сохранять и публиковать запросы. Чтобы этого не было, попросите администратора выбрать модель, провайдер которой не хранит данные (/models). Это сообщение показывается один раз.
digest-usage = Использование: /note_digest [дни], где дни — от 1 до { $daysMax } (по умолчанию { $daysDefault }).
digest-nothing = За последние { $days } { $days ->
        [one] день
        [few] дня
       *[many] дней
    } заметок нет — сводить нечего.
digest-question = Сводка моих заметок за последние { $days } { $days ->
        [one] день
        [few] дня
       *[many] дней
    }
retry-nothing = Повторять нечего: в этом чате ещё не было вопросов (или разговор начат заново через /reset).
retry-usage = Использование: /retry — задать последний вопрос ещё раз; /retry <id> — другой моделью (список: /models).
help-notes-privacy = /ask_notes отправляет провайдеру модели заметки, подходящие к вопросу.

## Usage and languages (gateway)
usage-report = Ваши вопросы сегодня (UTC): { $asksToday }, токенов: { $tokensToday }.
    Всего: { $asks }, токенов: { $tokens }.
usage-bot = Бот в целом сегодня: вопросов { $asksToday }, токенов { $tokensToday }; всего: вопросов { $asks }, токенов { $tokens }.
usage-key = Ключ OpenRouter: { $tier ->
        [free] бесплатный уровень
       *[paid] с купленными кредитами
    }, лимит { $limit }, осталось { $remaining }, потрачено сегодня { $daily }.
usage-free-left = Бесплатных запросов сегодня осталось примерно { $left } из { $cap } (сбрасывается в 00:00 UTC).
usage-key-unavailable = Состояние ключа OpenRouter сейчас не узнать ({ $reason }).
usage-no-limit = нет
lang-usage = Использование: /lang ru или /lang en.
lang-switched = Готово: теперь я говорю с вами по-русски.

## Registry (gateway)
cmd-models_sync = Сверить модели с OpenRouter
cmd-model_add = Добавить бесплатную модель
model-line = { $active ->
        [yes] ★
       *[no] { "  " }
    } { $id }. { $label } — { $key }{ $context ->
        [none] {""}
       *[other] , контекст { $context }
    }{ $available ->
        [no] {" "}(недоступна)
       *[yes] {""}
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
models-admins-only = Эта команда — только для администраторов бота.
model-add-usage = Использование: /model_add <key> — ключ бесплатной модели из списка /models_sync.
model-add-not-listed = Модели { $key } нет среди бесплатных моделей OpenRouter. Ничего не добавлено.
model-add-exists = Модель { $key } уже есть в реестре (id { $id }).
model-added = Модель { $label } ({ $key }) добавлена, id { $id }. Сделать активной: /model { $id }

## The save button (gateway)
save-done = Сохранено как заметка #{ $id }.
save-not-yours = Эта кнопка — для того, кто задал вопрос.
save-expired = Этот ответ уже нельзя сохранить: он старше суток.
