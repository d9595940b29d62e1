# /usage, in English. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

usage-report = Your questions today (UTC): { $asksToday }, tokens: { $tokensToday }.
    In all: { $asks }, tokens: { $tokens }.
usage-bot = The whole bot today: questions { $asksToday }, tokens { $tokensToday }; in all: questions { $asks }, tokens { $tokens }.
usage-key = OpenRouter key: { $tier ->
        [free] free tier (no credits bought)
       *[paid] credits bought
    }; { $limited ->
        [yes] credit limit { $limit }, { $remaining } of it left
       *[no] no credit limit of its own
    }; spent today: { $daily }.
usage-free-left = Free requests left today: about { $left } of { $cap } (resets at 00:00 UTC).
usage-free-cap-unknown = Free requests: the bot answered { $used } questions today. OpenRouter allows { $low } free-model requests a day, or { $high } once at least { $credits } credits were bought in all; the key's state does not say which applies (resets at 00:00 UTC).
usage-key-unavailable = The OpenRouter key's state cannot be read now ({ $reason }).
usage-no-limit = none
