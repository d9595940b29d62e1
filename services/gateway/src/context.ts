import type { Context } from "grammy";
import type { EffectsFlavor } from "./intake/effects.js";

/** The context every handler of the gateway gets: grammY's, plus the once-per-update effects. */
export type BotContext = Context & EffectsFlavor;
