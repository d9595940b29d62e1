# /persona: the chat's persona (a preset or the chat's own text) and what the model is told of it, in Russian. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

persona-usage = Использование: /persona — персона этого чата; /persona <имя> — готовая; /persona <текст> — своя (до { $max } символов); /persona reset — без персоны (по умолчанию). Персона добавляется к правилам бота для каждого вопроса в этом чате. Готовые:
persona-preset-line = { $name } — { $text }
persona-none = У этого чата нет персоны: бот отвечает как обычный помощник.
persona-current-preset = Персона этого чата: { $name } — { $text }
persona-current-text = Персона этого чата (свой текст):
    { $text }
persona-set-preset = Готово: персона этого чата — { $name } — { $text }
persona-set-text = Готово: персона этого чата — ваш текст ({ $length } симв.). Он добавляется к правилам бота для каждого вопроса в этом чате.
persona-reset = Готово: у этого чата снова нет персоны.
persona-too-long = Персона слишком длинная: { $length } симв., можно не больше { $max }. Ничего не изменено.
persona-unstorable = В тексте есть символ, который нельзя сохранить (U+0000). Ничего не изменено.
persona-admins-only = В группе менять персону могут только её администраторы. Ничего не изменено.
persona-instructions = Персона этого чата, заданная его участниками: следуй ей в роли, тоне и форме ответа; правила выше остаются в силе.
    { $persona }

persona-concise-name = кратко
persona-concise-text = Отвечай как можно короче: несколько предложений или короткий список, без вступлений и повторов.
persona-teacher-name = учитель
persona-teacher-text = Будь терпеливым учителем: объясняй по шагам на простых примерах, проверяй понимание и подсказывай, что изучить дальше.
persona-translator-name = переводчик
persona-translator-text = Будь переводчиком: переводи текст пользователя на английский, а английский — на русский; сначала перевод, затем краткие пояснения к трудным местам.
persona-editor-name = редактор
persona-editor-text = Будь редактором: улучшай текст пользователя — ясность, грамматику, стиль, — сохраняя смысл, и перечисли главные правки.
