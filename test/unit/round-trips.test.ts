/**
 * The PostgreSQL statements each command costs the gateway (every statement is a round trip, paid in
 * CPU at both ends; BENCHMARKS.md), counted on the in-process gateway's pool: the inbox's record and
 * handled mark, and between them the command's own work. A change that adds one shows here.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

let gateway: GatewayInProcess;
/** The statements sent while counting, by name (a prepared statement) or text. */
const sent: string[] = [];
let counting = false;

beforeAll(async () => {
  gateway = await startGatewayInProcess();
  // Each connection's queries, wrapped once when it is first taken from the pool.
  const wrapped = new WeakSet<pg.PoolClient>();
  gateway.db.on("acquire", (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { name?: string; text: string };
      if (counting) sent.push(typeof first === "string" ? first : (first.name ?? first.text));
      return query(...args);
    };
  });
});

afterAll(async () => {
  await gateway.close();
});

/** The statements `text`, sent by a user, cost from its record to its handled mark. */
async function statementsOf(user: ReturnType<GatewayInProcess["telegram"]["newUser"]>, text: string) {
  const update = gateway.telegram.sendText(user, text);
  sent.length = 0;
  counting = true;
  await gateway.receive(update);
  counting = false;
  return [...sent];
}

describe("statements per command", () => {
  it("a note added, edited or deleted: its record, the change with its once-mark as one statement, its handled mark", async () => {
    const user = gateway.telegram.newUser();
    const added = await statementsOf(user, "/note_add Заметка");
    expect(added).toEqual(["inbox-record", "inbox-once:note-add", "inbox-bookkeeping"]);
    const noteId = /\d+/.exec(String(gateway.telegram.sentTo(user.id).at(-1)?.payload.text))?.[0];
    expect(await statementsOf(user, `/note_edit ${noteId} Другая`)).toEqual([
      "inbox-record",
      "inbox-once:note-edit",
      "inbox-bookkeeping",
    ]);
    expect(await statementsOf(user, `/note_del ${noteId}`)).toEqual([
      "inbox-record",
      "inbox-once:note-remove",
      "inbox-bookkeeping",
    ]);
  });

  it("/note_count and /note_list: the record, one read, the handled mark", async () => {
    const user = gateway.telegram.newUser();
    expect(await statementsOf(user, "/note_count")).toHaveLength(3);
    expect(await statementsOf(user, "/note_list")).toHaveLength(3);
  });

  it("an ask (the model registry read before): the record, one read of own model and persona, then bookkeeping", async () => {
    const user = gateway.telegram.newUser();
    await statementsOf(user, "/ask Первый вопрос");
    const statements = await statementsOf(user, "/ask Почему небо голубое?");
    expect(statements.slice(0, 2)).toEqual(["inbox-record", "ask-submit-reads"]);
    // The placeholder remembered and the handled mark: one statement, or two when the job's add took
    // longer than the bookkeeping's linger.
    expect(new Set(statements.slice(2))).toEqual(new Set(["inbox-bookkeeping"]));
  });
});
