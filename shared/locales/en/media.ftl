# Photos, voice and documents as questions, in English. The other locale has the same messages; a test fails if either lacks one.

media-image-question = What is in this image?
media-voice-question = Answer this voice message.
media-needs-question = Add a question to the file: as its caption, or reply to the file with /ask and the question. I read text files (.txt, .md, .csv, .json, code) and PDFs.
media-wrong-type = I cannot read this kind of file{ $name ->
        [none] {""}
       *[other] {" "}({ $name })
    }. I take photos, voice messages and audio (ogg, mp3, wav, m4a, flac, aac), text files (.txt, .md, .csv, .json, code) and PDFs.
media-too-big = The file is too large: { $size } MB; { $kind ->
        [image] an image
        [audio] voice or audio
        [pdf] a PDF
       *[text] a text file
    } may take up to { $limit } MB. Nothing was sent to the model.
media-too-big-for-telegram = The file is larger than 20 MB, the most Telegram lets a bot download. Nothing was sent to the model.
media-no-vision = No available model can see images: neither { $modelKey } nor its fallbacks take them, and VISION_MODEL is not set. Nothing was sent to a model.
media-no-hearing = No available model can hear voice messages: TRANSCRIBE_MODEL is not set and no model of the registry takes audio. Nothing was sent to a model.
media-download-failed = Telegram did not give the file to the bot ({ $reason }). Send it again.
media-unreadable = The file { $name } is not UTF-8 text. Nothing was sent to the model.
media-too-long = The file { $name } is too long for the model { $modelKey }: about { $tokens } tokens, and the model takes { $context } in all. Nothing was sent to the model.
media-no-speech = The model heard no words in the voice message.
media-transcript = 🎙 { $transcript }
media-transcribe-prompt = Transcribe this audio word for word, in the language it is spoken in. Reply with the transcript only, nothing else; if there is no speech, reply with nothing.
