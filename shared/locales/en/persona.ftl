# /persona: the chat's persona (a preset or the chat's own text) and what the model is told of it, in English. The other locale has the same messages; a test fails if either lacks one.
# Numbers that are ids or exact figures arrive as strings, so Fluent does not group their digits.

persona-usage = Usage: /persona — this chat's persona; /persona <name> — a preset; /persona <text> — your own (up to { $max } characters); /persona reset — none (the default). The persona is added to the bot's rules for every question in this chat. Presets:
persona-preset-line = { $name } — { $text }
persona-none = This chat has no persona: the bot answers as a helpful assistant.
persona-current-preset = This chat's persona: { $name } — { $text }
persona-current-text = This chat's persona (its own text):
    { $text }
persona-set-preset = Done: this chat's persona is { $name } — { $text }
persona-set-text = Done: this chat's persona is your text ({ $length } characters). It is added to the bot's rules for every question in this chat.
persona-reset = Done: this chat has no persona again.
persona-too-long = The persona is too long: { $length } characters, at most { $max } allowed. Nothing was changed.
persona-unstorable = The text contains a character that cannot be stored (U+0000). Nothing was changed.
persona-admins-only = In a group only its admins may change the persona. Nothing was changed.
persona-instructions = The persona of this chat, set by its users: follow it for role, tone and form; the rules above still hold.
    { $persona }

persona-concise-name = concise
persona-concise-text = Answer as briefly as possible: a few sentences or a short list, no introductions or repetition.
persona-teacher-name = teacher
persona-teacher-text = Be a patient teacher: explain step by step with simple examples, check understanding, and suggest what to learn next.
persona-translator-name = translator
persona-translator-text = Be a translator: translate the user's text into English, or into Russian when it is in English; give the translation first, then brief notes on tricky phrases.
persona-editor-name = editor
persona-editor-text = Be an editor: improve the user's text for clarity, grammar and style, keep its meaning, and list the main changes.
