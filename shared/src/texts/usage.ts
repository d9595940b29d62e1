/** What /usage says: the sender's sums, and to admins the bot's and the OpenRouter key's state. */
import type { KeyView, UsageView } from "../domain/index.js";
import { id, type Translate } from "./translate.js";

/** The sums of a usage report, as its texts take them. */
const usageArguments = (u: UsageView) => ({
  asksToday: id(u.asksToday),
  tokensToday: id(u.tokensToday),
  asks: id(u.asks),
  tokens: id(u.tokens),
});

export const usageTexts = (t: Translate) => ({
  usageReport: {
    user: (u: UsageView) => t("usage-report", usageArguments(u)),
    bot: (u: UsageView) => t("usage-bot", usageArguments(u)),
    key: (k: KeyView) => {
      const credits = (value: number | null) =>
        value === null ? t("usage-no-limit") : id(Number(value.toFixed(4)));
      return t("usage-key", {
        tier: k.isFreeTier ? "free" : "paid",
        limited: k.limit === null ? "no" : "yes",
        limit: credits(k.limit),
        remaining: credits(k.limitRemaining),
        daily: credits(k.usageDaily ?? 0),
      });
    },
    freeLeft: (left: number, cap: number) => t("usage-free-left", { left: id(left), cap: id(cap) }),
    /** The key's cap is one of two and OpenRouter did not say which; `used`: the bot's asks today. */
    freeCapUnknown: (
      used: number,
      caps: { freeTier: number; withCredits: number; creditsThreshold: number },
    ) =>
      t("usage-free-cap-unknown", {
        used: id(used),
        low: id(caps.freeTier),
        high: id(caps.withCredits),
        credits: id(caps.creditsThreshold),
      }),
    keyUnavailable: (reason: string) => t("usage-key-unavailable", { reason }),
  },
});
