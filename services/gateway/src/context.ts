import type { Context } from "grammy";
import type { EffectsFlavor } from "./intake/effects.js";
import type { LocaleFlavor } from "./middleware/locale.js";

/** The context every handler of the gateway gets: grammY's, the once-per-update effects, the sender's texts. */
export type BotContext = Context & EffectsFlavor & LocaleFlavor;
