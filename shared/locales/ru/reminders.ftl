# Напоминания (/remind, /reminders, кнопки ⏰ и 💤) и /tz, по-русски. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits. Times arrive formatted, with their zone beside them.

remind-examples = Например:
    /remind завтра в 9 позвонить маме
    /remind через 2 часа достать хлеб
    /remind в пятницу 15:00 отправить отчёт
    /remind 31 декабря в 23:55 позвонить бабушке
    Время — в вашем часовом поясе, { $zone } (сменить: /tz Europe/Moscow).
remind-usage = Напишите, когда и о чём напомнить: /remind <когда> <текст> (до { $textMax } символов).
remind-unreadable = Не нашёл времени в начале или в конце «{ $input }».
remind-past = { $at } ({ $zone }) уже прошло: напомнить можно только о будущем.
remind-too-far = { $at } ({ $zone }) — слишком далеко: не дальше чем через { $days } дней.
remind-too-long = Напоминание слишком длинное: { $length } символов, можно до { $textMax }. Ничего не поставлено.
remind-too-many = У вас уже { $max } напоминаний в ожидании, больше нельзя. Сначала отмените какое-нибудь в /reminders.
remind-set = ⏰ Напоминание #{ $id } поставлено на { $at } ({ $zone }).
remind-unavailable = Напоминания ненадолго недоступны. Попробуйте через минуту: ничего не поставлено.
reminders-empty = Напоминаний в ожидании нет. Поставить: /remind завтра в 9 <текст>
reminders-header = Ваши напоминания в ожидании ({ $count }), время — { $zone }:
reminder-cancel-button = ✖ #{ $id }
reminder-cancelled = Напоминание #{ $id } отменено.
reminder-not-found = Напоминания #{ $id } в ожидании у вас нет.
reminder-fired = ⏰ Напоминание #{ $id }:
    { $text }
reminder-done-button = ✅ Сделано
reminder-choice-hour = через 1 ч
reminder-choice-tomorrow = завтра в { $hour }:00
reminder-snooze-button = 💤 { $choice }
reminder-note-button = ⏰ { $choice }
reminder-done = ✅ Напоминание #{ $id } выполнено.
reminder-snoozed = 💤 Напомню #{ $id } снова { $at } ({ $zone }).
reminder-closed = Напоминание #{ $id } уже закрыто.

tz-current = Ваш часовой пояс: { $zone } (там сейчас { $now }). Сменить: /tz <имя IANA>, например /tz Europe/Moscow.
tz-set = Часовой пояс: { $zone } (там сейчас { $now }). Время напоминаний теперь читается по нему.
tz-invalid = «{ $raw }» — не знаю такого часового пояса. Нужно имя IANA, например Europe/Moscow, Asia/Almaty или America/New_York.
