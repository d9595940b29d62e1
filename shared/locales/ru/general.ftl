# The greeting, /help, the command menu, /lang and the replies every feature shares, in Russian. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

cmd-start = Начать работу
cmd-help = Справка по командам
cmd-note_add = Сохранить заметку
cmd-note_list = Последние заметки
cmd-note_find = Найти заметки
cmd-note_edit = Изменить заметку
cmd-note_del = Удалить заметку
cmd-note_count = Сколько у меня заметок
cmd-note_export = Выгрузить заметки (txt, json, md)
cmd-note_import = Загрузить заметки из файла
cmd-note_stats = Заметки по дням
cmd-models = Список моделей
cmd-model = Модель бота по умолчанию
cmd-ask = Спросить модель
cmd-cancel = Отменить свой вопрос
cmd-reset = Начать разговор заново

command-list =
    /note_add <текст> — сохранить заметку
    /note_list [N] — последние N заметок (по умолчанию { $listDefault }, не больше { $listMax })
    /note_find <текст> — найти заметки с этим текстом (без учёта регистра)
    /note_edit <id> <текст> — изменить заметку
    /note_del <id> — удалить заметку
    /note_count — сколько у вас заметок
    /note_export [txt|json|md] — все заметки файлом (по умолчанию .txt)
    /note_import — с файлом (в подписи или ответом на него): добавить заметки из .json, .md или .txt
    /note_stats [дни] — сколько заметок добавлено по дням (по умолчанию { $statsDefault }, не больше { $statsMax })
    /models — список моделей
    /model [id] — модель бота по умолчанию; с id — сделать её моделью по умолчанию (для администраторов)
    /mymodel [id|reset] — ваша собственная модель для ваших вопросов; reset — вернуться к модели по умолчанию
    /models_sync — сверить модели с OpenRouter (для администраторов)
    /model_add <key> — добавить бесплатную модель OpenRouter (для администраторов)
    /usage — ваши вопросы и токены: сегодня и всего
    /ask <вопрос> — спросить модель (в личном чате можно просто написать вопрос)
    /ask_notes <вопрос> — ответ по вашим заметкам со ссылками #id
    /note_digest [дни] — сводка заметок за последние дни (по умолчанию { $statsDefault })
    /retry [id] — задать последний вопрос ещё раз (с id — другой моделью)
    /cancel — отменить свои вопросы, на которые ещё нет ответа
    /reset — начать разговор с моделью заново
    /persona [имя|текст|reset] — персона этого чата: готовая или ваш текст (до { $personaMax } символов)
    /lang ru|en — язык бота
    Пересланное сообщение (текст, подпись к фото, альбом) сохраняется заметкой с источником.
    @{ $bot } <слова> в любом чате — поиск по вашим заметкам
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
not-a-person = Я отвечаю только людям: заметки, память и вопросы принадлежат тому, кто пишет. Напишите мне от своего имени (не анонимно и не от имени канала) или в личном чате.
no-arguments = Команда /{ $command } используется без аргументов.

error-storage-unavailable = Хранилище заметок временно недоступно. Попробуйте через минуту — ничего не потеряно.
error-internal = Что-то пошло не так. Попробуйте ещё раз чуть позже.
error-too-many-updates = ⚠️ Слишком много сообщений сразу: обработаю первые { $count }, остальные пропущу. Отправьте их ещё раз чуть позже.

cmd-ask_notes = Спросить по своим заметкам
cmd-note_digest = Сводка заметок за дни
cmd-retry = Спросить ещё раз
cmd-usage = Мои вопросы и токены
cmd-lang = Язык бота
help-notes-privacy = /ask_notes отправляет провайдеру модели заметки, подходящие к вопросу.

lang-usage = Использование: /lang ru или /lang en.
lang-switched = Готово: теперь я говорю с вами по-русски.

cmd-models_sync = Сверить модели с OpenRouter
cmd-model_add = Добавить бесплатную модель
cmd-mymodel = Моя модель
cmd-persona = Персона этого чата
