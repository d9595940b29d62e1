/** The greeting, /help, the command menu and the replies every feature shares (access, errors), and /lang. */
import { COMMANDS, type Command } from "../domain/index.js";
import { id, limits, type Translate } from "./translate.js";

/** The command list; `bot` is the bot's username, for the inline search's example. */
const commandList = (t: Translate, bot: string) => t("command-list", { ...limits, bot });
const helpFooter = (t: Translate) => t("help-footer", limits);

export const generalTexts = (t: Translate) => ({
  /** Short descriptions registered with setMyCommands (shown in Telegram's command menu). */
  commandDescriptions: Object.fromEntries(COMMANDS.map((c) => [c, t(`cmd-${c}`)])) as Record<Command, string>,

  start: (firstName: string | undefined, bot: string) =>
    `${t("start", { name: firstName ?? "none" })}\n\n${commandList(t, bot)}\n\n${helpFooter(t)}`,
  help: (bot: string) =>
    `${t("help-header")}\n${commandList(t, bot)}\n\n${helpFooter(t)}\n${t("help-notes-privacy")}`,
  unknownCommand: t("unknown-command"),
  accessDenied: t("access-denied"),
  /** To a sender that is not a person (an anonymous admin, a channel, a Telegram service account). */
  notAPerson: t("not-a-person"),
  noArguments: (command: string) => t("no-arguments", { command }),

  usage: {
    note_add: t("usage-note_add", limits),
    note_list: t("usage-note_list", limits),
    note_find: t("usage-note_find"),
    note_edit: t("usage-note_edit", limits),
    note_del: t("usage-note_del"),
    note_stats: t("usage-note_stats", limits),
    model: t("usage-model"),
  },

  errors: {
    storageUnavailable: t("error-storage-unavailable"),
    internal: t("error-internal"),
    /** A chat's burst: its updates beyond the first `count` waiting are skipped. */
    tooManyUpdates: (count: number) => t("error-too-many-updates", { count: id(count) }),
  },
  lang: {
    usage: t("lang-usage"),
    switched: t("lang-switched"),
  },
});
