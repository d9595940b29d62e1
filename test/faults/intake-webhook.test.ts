/**
 * Webhook mode as Telegram drives it: the fake POSTs every update to the gateway and POSTs it again
 * whenever a POST gets no 2xx in time. A slow reply must not make the gateway ask for a re-delivery,
 * a re-delivery must not be handled twice, and a gateway SIGKILLed mid-burst loses nothing.
 */
import type { User } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../support/ports.js";
import { Stack } from "../support/stack.js";

const SECRET = "webhook-secret-for-intake-tests";
const NOTE_ADDED = /^Заметка #(\d+) сохранена\.$/;

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function startWebhookStack(): Promise<Stack> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/telegram`;
  stack = await Stack.start({ env: { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, PORT: String(port) } });
  // Telegram waits longer between attempts; a short pause keeps the test short.
  stack.telegram.webhookRetryMs = 200;
  return stack;
}

const confirmedIds = (s: Stack, user: User) =>
  s.telegram
    .sentTo(user.id)
    .map((c) => NOTE_ADDED.exec(String(c.payload.text))?.[1])
    .filter((id): id is string => id !== undefined);

describe("intake in webhook mode", () => {
  it("a reply that waits out a 15 s retry_after: answered 200 at once, posted again, stored once", async () => {
    const s = await startWebhookStack();
    const user = s.telegram.newUser();
    s.telegram.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 15",
      parameters: { retry_after: 15 },
    });
    const update = s.telegram.sendText(user, "/note_add пережду флуд-контроль");
    await s.telegram.until(
      () => s.telegram.calls.some((c) => c.method === "sendMessage" && c.ok === false),
      15_000,
      () => "the reply was never refused with 429",
    );
    // Telegram, having seen no answer yet from its point of view, posts the same update again.
    s.telegram.redeliver(update);
    await s.telegram.until(
      () => s.telegram.postsOf(update.update_id).length === 2,
      15_000,
      () => `posts: ${JSON.stringify(s.telegram.postsOf(update.update_id))}`,
    );

    const [reply] = await s.telegram.repliesTo(user.id, 1, 0, 30_000);
    const { rows } = await s.db.query<{ id: string }>("SELECT id FROM notes WHERE user_id = $1", [user.id]);
    const posts = s.telegram.postsOf(update.update_id);
    console.info(
      `intake, webhook, reply waiting out retry_after 15 s: 1 update, posted ${posts.length} times ` +
        `(${posts.map((p) => p.status).join(", ")}), ${rows.length} note stored, ` +
        `${s.telegram.sentTo(user.id).length} reply`,
    );
    // Both POSTs were answered 200 while the handler was still waiting: nothing for Telegram to repeat.
    expect(posts.map((p) => p.status)).toEqual([200, 200]);
    expect(rows).toHaveLength(1);
    expect(reply?.payload.text).toBe(`Заметка #${rows[0]?.id} сохранена.`);
    expect(s.telegram.sentTo(user.id)).toHaveLength(1);
  });

  it.each([
    {
      moment: "midway through the POSTs",
      killWhen: (s: Stack) => s.telegram.webhookPosts.length >= 100,
    },
    {
      moment: "midway through the replies",
      killWhen: (s: Stack) =>
        s.telegram.calls.filter((c) => c.method === "sendMessage" && c.ok === true).length >= 100,
    },
  ])(
    "the gateway SIGKILLed $moment, Telegram posting again what got no 2xx: nothing lost, nothing doubled",
    async ({ moment, killWhen }) => {
      const s = await startWebhookStack();
      const users = Array.from({ length: 20 }, () => s.telegram.newUser());
      const sent = users.flatMap((user) =>
        Array.from({ length: 10 }, (_, i) => ({ user, text: `заметка ${i} от ${user.id}` })),
      );
      for (const { user, text } of sent) s.telegram.sendText(user, `/note_add ${text}`);

      const replies = () => users.reduce((n, u) => n + s.telegram.sentTo(u.id).length, 0);
      await s.telegram.until(
        () => killWhen(s),
        30_000,
        () => `the kill moment "${moment}" never came`,
      );
      const [postsBeforeKill, repliesBeforeKill] = [s.telegram.webhookPosts.length, replies()];
      expect(await s.gateway.stop("SIGKILL")).toBeNull();
      await s.startGateway();

      // Updates recorded by the dead gateway but not handled wait for its lease to run out (15 s).
      await s.telegram.until(
        () => users.every((u) => new Set(confirmedIds(s, u)).size >= 10),
        60_000,
        () => `replies missing: ${users.map((u) => new Set(confirmedIds(s, u)).size).join(",")} of 10 each`,
      );
      const { rows } = await s.db.query<{ id: string; user_id: string; text: string }>(
        "SELECT id, user_id, text FROM notes ORDER BY id",
      );
      const stored = new Map<string, number>();
      for (const row of rows) stored.set(row.text, (stored.get(row.text) ?? 0) + 1);
      const lost = sent.filter((n) => !stored.has(n.text)).length;
      const doubled = [...stored.values()].filter((count) => count > 1).length;
      const failedPosts = s.telegram.webhookPosts.filter((p) => p.status !== 200).length;
      const postedAgain = new Set(
        s.telegram.webhookPosts.filter((p) => p.status !== 200).map((p) => p.updateId),
      ).size;
      const repeatedReplies = users.reduce(
        (n, u) => n + confirmedIds(s, u).length - new Set(confirmedIds(s, u)).size,
        0,
      );
      console.info(
        `intake, webhook, SIGKILL ${moment} (${postsBeforeKill} POSTs answered, ${repliesBeforeKill} replies before the kill): ` +
          `${sent.length} updates sent, ${rows.length} notes stored, ${lost} lost, ${doubled} doubled; ` +
          `${failedPosts} POSTs without a 2xx, ${postedAgain} updates posted again, ${repeatedReplies} replies sent twice`,
      );

      expect(lost).toBe(0);
      expect(doubled).toBe(0);
      expect(rows).toHaveLength(sent.length);
      for (const user of users) {
        const own = rows.filter((r) => r.user_id === String(user.id)).map((r) => r.id);
        expect(new Set(confirmedIds(s, user))).toEqual(new Set(own));
      }
    },
  );
});
