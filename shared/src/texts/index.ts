/**
 * Everything the bot says to its users, in one place so that a second language is one more object
 * of the same `Texts` shape.
 */

export const NOTE_MAX_LENGTH = 3000;
export const NOTE_LIST_DEFAULT = 10;
export const NOTE_LIST_MAX = 50;
export const NOTE_FIND_MAX = 50;
export const STATS_DAYS_DEFAULT = 7;
export const STATS_DAYS_MAX = 365;
export const QUESTION_MAX_LENGTH = 3000;

export interface NoteView {
  id: string;
  text: string;
  createdAt: Date;
}

export interface ModelView {
  id: number;
  key: string;
  label: string;
  active: boolean;
}

/** Dates are shown in UTC, labelled as such, so every reader sees the same day boundaries. */
export function formatDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")}`;
}

const plural = (n: number, one: string, few: string, many: string): string => {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
};

/** User input echoed back in a reply, shortened so the reply stays well within Telegram's limit. */
const echo = (raw: string, max = 40): string => {
  const characters = Array.from(raw);
  return characters.length > max ? `${characters.slice(0, max).join("")}…` : raw;
};

const notesWord = (n: number) => plural(n, "заметка", "заметки", "заметок");

const commandList = [
  "/note_add <текст> — сохранить заметку",
  `/note_list [N] — последние N заметок (по умолчанию ${NOTE_LIST_DEFAULT}, не больше ${NOTE_LIST_MAX})`,
  "/note_find <текст> — найти заметки с этим текстом (без учёта регистра)",
  "/note_edit <id> <текст> — изменить заметку",
  "/note_del <id> — удалить заметку",
  "/note_count — сколько у вас заметок",
  "/note_export — все заметки файлом .txt",
  `/note_stats [дни] — сколько заметок добавлено по дням (по умолчанию ${STATS_DAYS_DEFAULT}, не больше ${STATS_DAYS_MAX})`,
  "/models — список моделей",
  "/model [id] — активная модель; с id — сделать её активной",
  "/ask <вопрос> — спросить модель (в личном чате можно просто написать вопрос)",
  "/cancel — отменить свои вопросы, на которые ещё нет ответа",
  "/reset — начать разговор с моделью заново",
  "/help — эта справка",
  "/start — приветствие",
].join("\n");

export const ru = {
  /** Short descriptions registered with setMyCommands (shown in Telegram's command menu). */
  commandDescriptions: {
    start: "Начать работу",
    help: "Справка по командам",
    note_add: "Сохранить заметку",
    note_list: "Последние заметки",
    note_find: "Найти заметки",
    note_edit: "Изменить заметку",
    note_del: "Удалить заметку",
    note_count: "Сколько у меня заметок",
    note_export: "Выгрузить заметки в .txt",
    note_stats: "Заметки по дням",
    models: "Список моделей",
    model: "Активная модель",
    ask: "Спросить модель",
    cancel: "Отменить свой вопрос",
    reset: "Начать разговор заново",
  },

  start: (firstName: string | undefined) =>
    `Здравствуйте${firstName ? `, ${firstName}` : ""}! Я храню ваши заметки и отвечаю на вопросы с помощью языковой модели.\n\n${commandList}\n\nДлина заметки — до ${NOTE_MAX_LENGTH} символов. Даты — по UTC.`,
  help: () => `Команды:\n${commandList}\n\nДлина заметки — до ${NOTE_MAX_LENGTH} символов. Даты — по UTC.`,
  unknownCommand: "Неизвестная команда. Список команд: /help",
  accessDenied: "Извините, этот бот доступен только приглашённым пользователям.",
  noArguments: (command: string) => `Команда /${command} используется без аргументов.`,

  usage: {
    note_add: `Напишите текст заметки после команды: /note_add <текст> (до ${NOTE_MAX_LENGTH} символов).`,
    note_list: `Использование: /note_list [N], где N — от 1 до ${NOTE_LIST_MAX}.`,
    note_find: "Напишите, что искать: /note_find <текст>.",
    note_edit: `Использование: /note_edit <id> <новый текст> (до ${NOTE_MAX_LENGTH} символов).`,
    note_del: "Использование: /note_del <id>.",
    note_stats: `Использование: /note_stats [дни], где дни — от 1 до ${STATS_DAYS_MAX}.`,
    model: "Использование: /model — активная модель; /model <id> — сделать модель активной. Список: /models",
  },

  invalidId: (raw: string) =>
    `«${echo(raw)}» — не номер заметки. Номер — целое положительное число, например 12.`,
  noteTooLong: (length: number) =>
    `Заметка слишком длинная: ${length} символов, можно до ${NOTE_MAX_LENGTH}. Ничего не сохранено.`,
  unstorableCharacters:
    "В тексте есть нулевой символ (NUL), его нельзя сохранить. Уберите его и попробуйте снова.",

  noteAdded: (id: string) => `Заметка #${id} сохранена.`,
  noteEdited: (id: string) => `Заметка #${id} изменена.`,
  noteDeleted: (id: string) => `Заметка #${id} удалена.`,
  noteNotFound: (id: string) => `Заметки #${id} у вас нет.`,
  noteCount: (n: number) => (n === 0 ? "У вас пока нет заметок." : `У вас ${n} ${notesWord(n)}.`),
  noNotes: "У вас пока нет заметок. Добавьте первую: /note_add <текст>",
  note: (note: NoteView) => `#${note.id} · ${formatDateTime(note.createdAt)}\n${note.text}`,
  listHeader: (shown: number) => `Ваши последние заметки (${shown}), время UTC:`,
  findHeader: (query: string, shown: number, total: number) =>
    total > shown
      ? `Найдено ${total} ${notesWord(total)} с «${echo(query, 200)}», показаны ${shown} новейших:`
      : `Найдено ${total} ${notesWord(total)} с «${echo(query, 200)}»:`,
  findNothing: (query: string) => `Заметок с «${echo(query, 200)}» не найдено.`,
  exportCaption: (n: number) => `Ваши заметки: ${n}. Время UTC.`,
  exportEmpty: "Выгружать нечего: у вас пока нет заметок.",
  statsHeader: (days: number, total: number) =>
    `Заметки за последние ${days} ${plural(days, "день", "дня", "дней")} (UTC): всего ${total}.`,
  statsOnlyNonEmpty: "Показаны только дни с заметками.",

  modelsHeader: "Модели (★ — активная):",
  modelLine: (m: ModelView) => `${m.active ? "★" : "  "} ${m.id}. ${m.label} — ${m.key}`,
  modelsFooter: "Сменить модель: /model <id>",
  activeModel: (m: ModelView) =>
    `Активная модель: ★ ${m.label} (${m.key}), id ${m.id}.\nСменить: /model <id>, список: /models`,
  modelSwitched: (m: ModelView) => `Готово. Активная модель: ★ ${m.label} (${m.key}).`,
  modelNotFound: (raw: string) => `Модели с id ${echo(raw)} нет. Ничего не изменено. Список: /models`,
  invalidModelId: (raw: string) => `«${echo(raw)}» — не id модели. Список моделей с их id: /models`,
  modelSwitchForbidden: "Менять модель могут только администраторы бота.",
  noActiveModel: "Активная модель не выбрана. Выберите: /model <id>",

  ask: {
    usage: "Напишите вопрос после команды: /ask <вопрос>.",
    tooLong: (length: number) =>
      `Вопрос слишком длинный: ${length} символов, можно до ${QUESTION_MAX_LENGTH}. Сократите его, пожалуйста.`,
    placeholder: "⏳ Думаю над ответом…",
    queued: (ahead: number) =>
      `⏳ Ваш вопрос в очереди: перед ним ещё ${ahead} ${plural(ahead, "ваш вопрос", "ваших вопроса", "ваших вопросов")}. Отвечу по порядку.`,
    cancelled: "Вопрос отменён.",
    interrupted: (reason: string) => `⚠️ Ответ оборвался, показано то, что успело прийти. ${reason}`,
    cancelledCount: (n: number) => `Отменено вопросов: ${n}.`,
    nothingToCancel: "Отменять нечего: у вас нет вопросов в работе.",
    memoryReset: "Начинаем заново: прошлый разговор с моделью забыт.",
    tooMany: (perMinute: number) =>
      `Слишком много вопросов: не больше ${perMinute} в минуту. Подождите немного и спросите снова.`,
    unavailable:
      "Вопросы к модели сейчас недоступны: очередь не отвечает. Попробуйте через минуту. Заметки работают как обычно.",
    systemPrompt:
      "Ты — полезный ассистент в Telegram. Отвечай на языке вопроса, по делу и без лишних вступлений. Можно использовать Markdown.",
    retrying: (label: string, attempt: number, attempts: number) =>
      `⏳ Модель ответила ошибкой [${label}], пробую ещё раз (попытка ${attempt} из ${attempts})…`,
    footer: (latencyMs: number, modelKey: string) => `(${latencyMs} мс; модель: ${modelKey})`,
    failure: (label: string, explanation: string) => `Ошибка: [${label}] ${explanation}`,
    statusExplanations: {
      400: "Запрос к модели некорректен — например, вопрос слишком длинный для неё. Переформулируйте или выберите другую модель: /models",
      401: "OpenRouter не принял ключ API. Сообщите администратору бота.",
      402: "На счёте OpenRouter не хватает средств для этой модели. Выберите бесплатную модель: /models",
      403: "Запрос отклонён модерацией OpenRouter. Переформулируйте вопрос.",
      404: "Модель не найдена в OpenRouter. Выберите другую: /models",
      408: "Модель не успела ответить. Попробуйте ещё раз.",
      429: "Слишком много запросов к модели. Подождите минуту и спросите снова.",
      500: "Внутренняя ошибка OpenRouter. Попробуйте позже.",
      502: "Провайдер модели вернул ошибку или недоступен. Попробуйте позже или выберите другую модель: /models",
      503: "Сервис OpenRouter временно недоступен. Попробуйте позже.",
      504: "Провайдер модели не ответил вовремя. Попробуйте позже.",
    } as Record<number, string>,
    unknownStatus: "OpenRouter ответил неожиданной ошибкой. Попробуйте позже.",
    timeout: (seconds: number) =>
      `Модель не ответила за ${seconds} с. Попробуйте позже или выберите другую: /models`,
    network: "Не удалось связаться с OpenRouter. Попробуйте позже.",
    deadline: (seconds: number) =>
      `Ответа нет за ${seconds} с — это предел времени на один вопрос (вместе с повторами и запасными моделями). Попробуйте позже или выберите другую модель: /models`,
    internal: "Вопрос не удалось обработать из-за внутреннего сбоя бота. Попробуйте ещё раз через минуту.",
    emptyAnswer: "Модель вернула пустой ответ. Попробуйте переформулировать вопрос.",
    missingKey:
      "Ошибка: ключ OpenRouter (OPENROUTER_API_KEY) не настроен, вопросы к модели недоступны. Сообщите администратору бота.",
    breakerOpen: (modelKey: string) =>
      `Ошибка: модель ${modelKey} временно недоступна — у неё слишком много сбоев подряд. Попробуйте через минуту или выберите другую: /models`,
  },

  errors: {
    storageUnavailable:
      "Хранилище заметок временно недоступно. Попробуйте через минуту — ничего не потеряно.",
    internal: "Что-то пошло не так. Попробуйте ещё раз чуть позже.",
  },
};

export type Texts = typeof ru;
