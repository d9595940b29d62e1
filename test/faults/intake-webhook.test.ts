/**
 * Webhook mode as Telegram drives it: the fake POSTs every update to the gateway and POSTs it again
 * whenever a POST gets no 2xx in time. A slow reply must not make the gateway ask for a re-delivery,
 * a re-delivery must not be handled twice, and a gateway SIGKILLed mid-burst loses nothing.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { User } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../support/ports.js";
import { ServiceProcess } from "../support/service.js";
import { Stack } from "../support/stack.js";

const SECRET = "webhook-secret-for-intake-tests";
const NOTE_ADDED = /^Заметка #(\d+) сохранена\.$/;

let stack: Stack | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function startWebhookStack(env: Record<string, string> = {}): Promise<Stack> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/telegram`;
  stack = await Stack.start({
    env: { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, PORT: String(port), ...env },
  });
  // Telegram waits longer between attempts; a short pause keeps the test short.
  stack.telegram.webhookRetryMs = 200;
  return stack;
}

/**
 * A TCP balancer on 127.0.0.1: each connection goes to the next upstream in turn, or to the one after
 * when that one refuses (a dead gateway), as a load balancer with passive health checks does.
 */
async function startBalancer(
  ports: number[],
): Promise<{ port: number; connections: number[]; close: () => Promise<void> }> {
  const connections = ports.map(() => 0);
  const sockets = new Set<Socket>();
  let turn = 0;
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    client.pause();
    const tryUpstream = (left: number) => {
      if (left === 0) return void client.destroy();
      const index = turn++ % ports.length;
      const upstream = createConnection(ports[index] as number, "127.0.0.1");
      upstream.once("error", () => tryUpstream(left - 1));
      upstream.once("connect", () => {
        connections[index] = (connections[index] ?? 0) + 1;
        sockets.add(upstream);
        upstream.on("close", () => sockets.delete(upstream));
        upstream.removeAllListeners("error");
        upstream.on("error", () => client.destroy());
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryUpstream(ports.length);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
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

  it("two gateways behind one balancer, one SIGKILLed mid-burst: each update handled by one, nothing lost or doubled", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const balancer = await startBalancer([portA, portB]);
    cleanups.push(balancer.close);
    const s = await startWebhookStack({
      WEBHOOK_URL: `http://127.0.0.1:${balancer.port}/telegram`,
      PORT: String(portA),
    });
    const second = new ServiceProcess("gateway", { ...s.env, PORT: String(portB) });
    cleanups.push(() => second.stop("SIGKILL"));
    await second.waitForOutput(/"msg":"gateway started"/);

    const users = Array.from({ length: 20 }, () => s.telegram.newUser());
    const sent = users.flatMap((user) =>
      Array.from({ length: 10 }, (_, i) => ({ user, text: `заметка ${i} от ${user.id}` })),
    );
    for (const [i, { user, text }] of sent.entries()) {
      const update = s.telegram.sendText(user, `/note_add ${text}`);
      // Every fifth one Telegram posts twice (it took the first POST for lost): the copy may reach the other gateway.
      if (i % 5 === 0) s.telegram.redeliver(update);
    }
    await s.telegram.until(
      () => s.telegram.webhookPosts.length >= 120,
      30_000,
      () => `only ${s.telegram.webhookPosts.length} POSTs before the kill`,
    );
    const [connectionsBeforeKill, postsBeforeKill] = [
      [...balancer.connections],
      s.telegram.webhookPosts.length,
    ];
    expect(await second.stop("SIGKILL")).toBeNull();

    await s.telegram.until(
      () => users.every((u) => new Set(confirmedIds(s, u)).size >= 10),
      60_000,
      () => `replies missing: ${users.map((u) => new Set(confirmedIds(s, u)).size).join(",")} of 10 each`,
    );
    const { rows } = await s.db.query<{ user_id: string; text: string; id: string }>(
      "SELECT id, user_id, text FROM notes ORDER BY id",
    );
    const stored = new Map<string, number>();
    for (const row of rows) stored.set(row.text, (stored.get(row.text) ?? 0) + 1);
    const lost = sent.filter((n) => !stored.has(n.text)).length;
    const doubled = [...stored.values()].filter((count) => count > 1).length;
    const metrics = await (await fetch(`${await s.gateway.metricsUrl()}/metrics`)).text();
    const takenOver = Number(/^intake_updates_rehandled_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1]);
    const duplicates = Number(
      /^intake_updates_recorded_total\{[^}]*outcome="duplicate"[^}]*\} (\d+)/m.exec(metrics)?.[1],
    );
    console.info(
      `intake, webhook, two gateways behind a balancer (connections ${connectionsBeforeKill.join("/")}), ` +
        `one SIGKILLed after ${postsBeforeKill} POSTs: ` +
        `${sent.length} updates sent (${sent.length / 5} posted twice), ${rows.length} notes stored, ` +
        `${lost} lost, ${doubled} doubled; the survivor took over ${takenOver} and saw ${duplicates} duplicates`,
    );

    expect(connectionsBeforeKill.every((n) => n > 0)).toBe(true);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
    expect(rows).toHaveLength(sent.length);
    for (const user of users) {
      const own = rows.filter((r) => r.user_id === String(user.id)).map((r) => r.id);
      expect(new Set(confirmedIds(s, user))).toEqual(new Set(own));
    }
  });

  it("an inline query is answered from the POST at once and never recorded in the inbox", async () => {
    const s = await startWebhookStack();
    const user = s.telegram.newUser();
    await s.say(user, "/note_add Рецепт борща");
    const update = s.telegram.inlineQuery(user, "борщ");

    const answer = await s.telegram.inlineAnswerOf(update);

    expect(answer.results).toMatchObject([{ input_message_content: { message_text: "Рецепт борща" } }]);
    await s.telegram.until(
      () => s.telegram.postsOf(update.update_id).length > 0,
      5_000,
      () => "the inline query's POST never ended",
    );
    expect(s.telegram.postsOf(update.update_id).map((p) => p.status)).toEqual([200]);
    const { rows } = await s.db.query("SELECT 1 FROM inbox WHERE update_id = $1", [update.update_id]);
    expect(rows).toEqual([]);
  });
});
