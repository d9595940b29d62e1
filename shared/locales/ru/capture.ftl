# Сохранение и поиск, по-русски: пересланные сообщения и альбомы как заметки, отмена, инлайн-поиск, /note_import и форматы /note_export. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

capture-saved = Сохранено как заметка #{ $id } (источник: { $origin }).
capture-album-saved = Альбом сохранён одной заметкой #{ $id } (источник: { $origin }): { $parts ->
        [one] { $parts } часть.
        [few] { $parts } части.
       *[other] { $parts } частей.
    }
capture-photos = { $count ->
        [one] 🖼 Сохранено { $count } фото.
       *[other] 🖼 Сохранено фото: { $count }.
    }
capture-cut = Текст был длиннее { $noteMax } символов и обрезан.
capture-nothing = В этом сообщении нечего сохранить: я сохраняю тексты, подписи и фото.
capture-undo-button = ↩️ Отменить
capture-undone = ↩️ Отменено: заметка #{ $id } удалена.

inline-no-notes = У вас пока нет заметок — открыть бота
inline-nothing = Нет заметок с «{ $query }» — открыть бота
inline-denied = Этот бот доступен только приглашённым пользователям

usage-note_export = Использование: /note_export [txt|json|md] (без аргумента — txt).
usage-note_import = Пришлите файл с подписью /note_import или ответьте /note_import на файл: JSON-выгрузка этого бота (.json), список Markdown из пунктов «- » (.md) или текстовый файл, где заметка — абзац (.txt). Не больше { $maxBytes } байт и { $maxNotes } заметок, каждая до { $noteMax } символов. Заметка, которая у вас уже есть (тот же текст), пропускается.
import-done = Импорт готов: добавлено { $added }, пропущено { $skipped } (они у вас уже были).
import-too-big = Файл — { $size } байт, импортировать можно не больше { $maxBytes }. Ничего не импортировано.
import-unknown-format = Я импортирую только файлы .json, .md и .txt. Ничего не импортировано.
import-download-failed = Не удалось скачать файл из Telegram. Ничего не импортировано; попробуйте чуть позже.
import-malformed = Этот файл нельзя импортировать: { $reason }. Ничего не импортировано.
import-error-encoding = это не текст в UTF-8
import-error-json = это не JSON
import-error-not-array = JSON-выгрузка — это массив заметок
import-error-item = у заметки { $item } нет текста
import-error-empty = в нём нет заметок
import-error-too-many = в нём { $count } заметок, а за раз можно не больше { $maxNotes }
import-error-too-long = заметка { $item } длиной { $length } символов, можно до { $noteMax }
import-error-nul = в заметке { $item } есть нулевой символ (NUL)
import-error-md-line = строка { $line } — не пункт «- »
