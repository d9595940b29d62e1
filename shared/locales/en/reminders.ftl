# Reminders (/remind, /reminders, the ⏰ and 💤 buttons) and /tz, in English. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits. Times arrive formatted, with their zone beside them.

remind-examples = For example:
    /remind tomorrow 9am call mom
    /remind in 2 hours take the bread out
    /remind friday 15:00 send the report
    /remind Dec 31 23:55 call grandma
    Times are in your time zone, { $zone } (change it: /tz Europe/London).
remind-usage = Write when and what: /remind <when> <text> (up to { $textMax } characters).
remind-unreadable = I found no time at the start or the end of “{ $input }”.
remind-past = { $at } ({ $zone }) has passed already: a reminder needs a time ahead.
remind-too-far = { $at } ({ $zone }) is too far ahead: at most { $days } days.
remind-too-long = The reminder is too long: { $length } characters, at most { $textMax } allowed. Nothing was set.
remind-too-many = You have { $max } pending reminders, the most allowed. Cancel one in /reminders first.
remind-set = ⏰ Reminder #{ $id } set for { $at } ({ $zone }).
remind-unavailable = Reminders are unavailable for a moment. Try again in a minute: nothing was set.
reminders-empty = You have no pending reminders. Set one: /remind tomorrow 9am <text>
reminders-header = Your pending reminders ({ $count }), times in { $zone }:
reminder-cancel-button = ✖ #{ $id }
reminder-cancelled = Reminder #{ $id } cancelled.
reminder-not-found = You have no pending reminder #{ $id }.
reminder-fired = ⏰ Reminder #{ $id }:
    { $text }
reminder-done-button = ✅ Done
reminder-choice-hour = in 1 h
reminder-choice-tomorrow = tomorrow { $hour }:00
reminder-snooze-button = 💤 { $choice }
reminder-note-button = ⏰ { $choice }
reminder-done = ✅ Reminder #{ $id } done.
reminder-snoozed = 💤 Reminder #{ $id } again at { $at } ({ $zone }).
reminder-closed = Reminder #{ $id } is closed already.

tz-current = Your time zone: { $zone } (it is { $now } there). Change it: /tz <IANA name>, e.g. /tz Europe/Berlin.
tz-set = Time zone set: { $zone } (it is { $now } there). Reminders are read on this clock from now on.
tz-invalid = “{ $raw }” is not a time zone I know. Use an IANA name, such as Europe/Moscow, Asia/Almaty or America/New_York.
