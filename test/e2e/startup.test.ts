import { describe, expect, it } from "vitest";
import { ServiceProcess } from "../support/service.js";

describe("start-up with a wrong configuration", () => {
  it.each(["gateway", "worker"] as const)(
    "the %s stops with one clear line naming the variable",
    async (name) => {
      const service = new ServiceProcess(name, { TELEGRAM_BOT_TOKEN: "not-a-token" });
      expect(await service.exit()).toBe(1);
      expect(service.output.trim().split("\n")).toEqual([
        expect.stringMatching(/^Invalid configuration: TELEGRAM_BOT_TOKEN must look like 123456:ABC-DEF/),
      ]);
    },
  );

  it("a missing token is named too", async () => {
    const service = new ServiceProcess("gateway", {});
    expect(await service.exit()).toBe(1);
    expect(service.output.trim()).toBe("Invalid configuration: TELEGRAM_BOT_TOKEN is required");
  });
});
