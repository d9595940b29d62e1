import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const STORAGE_UNAVAILABLE =
  "Хранилище заметок временно недоступно. Попробуйте через минуту — ничего не потеряно.";

let proxy: TcpProxy;
let stack: Stack;

beforeAll(async () => {
  const server = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
  stack = await Stack.start({ databasePort: proxy.port });
});

afterAll(async () => {
  await stack.stop();
  await proxy.close();
});

describe("PostgreSQL unavailable for a while", () => {
  it("answers 'storage unavailable' during the outage, recovers by itself, loses nothing", async () => {
    const user = stack.telegram.newUser();
    const before = ["первая", "вторая", "третья"];
    for (const text of before) expect((await stack.say(user, `/note_add ${text}`))[0]).toMatch(/сохранена/);

    proxy.block();
    const commands = [
      "/note_add во время простоя",
      "/note_list",
      "/note_count",
      "/note_find перв",
      "/models",
    ];
    const started = Date.now();
    for (const command of commands)
      expect(await stack.say(user, command), command).toEqual([STORAGE_UNAVAILABLE]);
    const outageMs = Date.now() - started;
    // Commands that need no database still work.
    expect((await stack.say(user, "/help"))[0]).toMatch(/^Команды:/);
    expect(stack.gateway.running).toBe(true);

    proxy.unblock();
    expect(await stack.say(user, "/note_count")).toEqual(["У вас 3 заметки."]);
    expect((await stack.say(user, "/note_add после простоя"))[0]).toMatch(/сохранена/);
    const { rows } = await stack.db.query("SELECT text FROM notes WHERE user_id = $1 ORDER BY id", [user.id]);
    expect(rows.map((r) => r.text)).toEqual([...before, "после простоя"]);
    console.info(
      `postgres outage: ${commands.length} commands refused in ${outageMs} ms, ${before.length} notes kept, ` +
        "0 written during the outage, gateway recovered without restart",
    );
  });
});
