# The note commands, in Russian. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

usage-note_add = Напишите текст заметки после команды: /note_add <текст> (до { $noteMax } символов).
usage-note_list = Использование: /note_list [N], где N — от 1 до { $listMax }.
usage-note_find = Напишите, что искать: /note_find <текст>.
usage-note_edit = Использование: /note_edit <id> <новый текст> (до { $noteMax } символов).
usage-note_del = Использование: /note_del <id>.
usage-note_stats = Использование: /note_stats [дни], где дни — от 1 до { $statsMax }.
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
