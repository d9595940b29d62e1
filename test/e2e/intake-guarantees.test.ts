/**
 * What the gateway's intake promises about one update, checked fast in this process (the gateway's own
 * factories, the fake Telegram, the real PostgreSQL): its effect happens once however often it is
 * handled, and it is marked handled only once its effect is stored and its reply sent — so a crash
 * in between leaves it to be handled again rather than lost. (The fault suite kills real processes.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

/** What a user had when their update was marked handled. */
interface AtMark {
  updateId: number;
  notesOf: number[];
  repliedTo: number[];
}

let gateway: GatewayInProcess;
const marks: AtMark[] = [];

beforeAll(async () => {
  gateway = await startGatewayInProcess({
    inbox: (inbox) => ({
      ...inbox,
      markHandled: async (updateId) => {
        const { rows } = await gateway.db.query<{ user_id: string }>("SELECT user_id FROM notes");
        marks.push({
          updateId,
          notesOf: rows.map((r) => Number(r.user_id)),
          repliedTo: gateway.telegram.calls
            .filter((c) => c.method === "sendMessage" && c.ok === true)
            .map((c) => Number(c.payload.chat_id)),
        });
        return inbox.markHandled(updateId);
      },
    }),
  });
});

afterAll(async () => {
  await gateway.close();
});

const notesOf = async (userId: number) =>
  (await gateway.db.query<{ text: string }>("SELECT text FROM notes WHERE user_id = $1", [userId])).rows;
const repliesTo = (userId: number) => gateway.telegram.sentTo(userId).map((c) => c.payload.text);

describe("one update", () => {
  it("handled again after its effect (a handled mark lost in a crash): the same reply, its note stored once", async () => {
    const user = gateway.telegram.newUser();
    const update = gateway.telegram.sendText(user, "/note_add только однажды");
    await gateway.receive(update);
    await gateway.receiveAgain(update);

    const replies = repliesTo(user.id);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toMatch(/^Заметка #\d+ сохранена\.$/);
    expect(replies[1]).toBe(replies[0]);
    expect(await notesOf(user.id)).toEqual([{ text: "только однажды" }]);
  });

  it("is marked handled only once its note is stored and its reply sent", async () => {
    const user = gateway.telegram.newUser();
    const update = gateway.telegram.sendText(user, "/note_add сначала дело");
    await gateway.receive(update);

    const mark = marks.find((m) => m.updateId === update.update_id);
    expect(mark?.notesOf).toContain(user.id);
    expect(mark?.repliedTo).toContain(user.id);
    const { rows } = await gateway.db.query(
      "SELECT handled_at IS NOT NULL AS handled FROM inbox WHERE update_id = $1",
      [update.update_id],
    );
    expect(rows).toEqual([{ handled: true }]);
  });
});
