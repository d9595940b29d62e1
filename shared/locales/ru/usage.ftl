# /usage, in Russian. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

usage-report = Ваши вопросы сегодня (UTC): { $asksToday }, токенов: { $tokensToday }.
    Всего: { $asks }, токенов: { $tokens }.
usage-bot = Бот в целом сегодня: вопросов { $asksToday }, токенов { $tokensToday }; всего: вопросов { $asks }, токенов { $tokens }.
usage-key = Ключ OpenRouter: { $tier ->
        [free] бесплатный уровень (кредиты не покупались)
       *[paid] кредиты покупались
    }; { $limited ->
        [yes] лимит кредитов { $limit }, из него осталось { $remaining }
       *[no] своего лимита кредитов нет
    }; потрачено сегодня: { $daily }.
usage-free-left = Бесплатных запросов сегодня осталось примерно { $left } из { $cap } (сбрасывается в 00:00 UTC).
usage-free-cap-unknown = Бесплатные запросы: вопросов, на которые бот ответил сегодня, — { $used }. OpenRouter разрешает { $low } запросов к бесплатным моделям в день или { $high }, если всего куплено не меньше { $credits } кредитов; по состоянию ключа не понять, какой предел действует (сбрасывается в 00:00 UTC).
usage-key-unavailable = Состояние ключа OpenRouter сейчас не узнать ({ $reason }).
usage-no-limit = нет
