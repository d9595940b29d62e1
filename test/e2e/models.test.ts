import type { User } from "grammy/types";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { ask } from "../support/ask.js";
import { waitForJob } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let bot: Stack;
const texts = createLocalizer().of("ru");
// Switching the model is for admins; these users are (fixed ids: the gateway reads them at start-up,
// far from newUser()'s range).
const ADMINS: User[] = Array.from({ length: 200 }, (_, i) => ({
  id: 46_000 + i,
  is_bot: false,
  first_name: `Админ ${i}`,
}));

beforeAll(async () => {
  bot = await Stack.start({ env: { ADMIN_USER_IDS: ADMINS.map((a) => a.id).join(",") } });
});

afterAll(async () => {
  expect(await bot.stop()).toEqual([0]);
});

const activeRows = async (pool: pg.Pool = bot.db) =>
  (await pool.query("SELECT id FROM models WHERE active")).rows.map((r) => r.id);

describe("the model registry", () => {
  it("lists at least 10 seeded free models with the active one starred", async () => {
    const user = bot.telegram.newUser();
    const [reply] = await bot.say(user, "/models");
    const lines = reply?.split("\n") ?? [];
    expect(lines[0]).toBe(texts.modelsHeader);
    const modelLines = lines.filter((l) => /^(★| ) {1,2}\d+\. /.test(l));
    expect(modelLines.length).toBeGreaterThanOrEqual(10);
    for (const line of modelLines) expect(line).toMatch(/:free$/);
    const [active] = await activeRows();
    expect(modelLines.filter((l) => l.startsWith("★"))).toEqual([
      expect.stringMatching(new RegExp(`^★ ${active}\\. `)),
    ]);
    expect(reply).toContain(texts.modelsFooter);
  });

  it("shows the active model and switches it; bad ids change nothing", async () => {
    const user = ADMINS[0] as User;
    expect((await bot.say(user, "/model 3"))[0]).toBe(
      "Готово. Активная модель: ★ Llama 3.3 70B Instruct (meta-llama/llama-3.3-70b-instruct:free).",
    );
    expect(await activeRows()).toEqual([3]);
    expect((await bot.say(user, "/model"))[0]).toMatch(
      /^Активная модель: ★ Llama 3\.3 70B Instruct .*id 3\./,
    );
    for (const bad of ["999", "abc", "-1", "0", "99999999999999999999", "3 4"]) {
      const [reply] = await bot.say(user, `/model ${bad}`);
      expect([texts.modelNotFound(bad), texts.invalidModelId(bad)], bad).toContain(reply);
    }
    expect((await bot.say(user, "/models лишнее"))[0]).toBe(texts.noArguments("models"));
    expect(await activeRows()).toEqual([3]);
  });

  it("an ask right after a switch is queued for the new model, though the gateway reuses the active model", async () => {
    const user = ADMINS[1] as User;
    const modelOf = async (updateId: number) => {
      let data = "";
      await waitForJob(bot, updateId, (fields) => {
        data = fields.data ?? "";
        return data !== "";
      });
      return (JSON.parse(data) as { modelKey: string }).modelKey;
    };
    const keyOf = async (id: number) =>
      (await bot.db.query<{ key: string }>("SELECT key FROM models WHERE id = $1", [id])).rows[0]?.key;
    for (const id of [2, 4]) {
      await bot.say(user, `/model ${id}`);
      // The second of each pair is within the gateway's reuse of the first one's model.
      for (let i = 0; i < 2; i++) {
        const { update } = await ask(bot, user, `вопрос ${id}.${i}`);
        expect(await modelOf(update.update_id)).toBe(await keyOf(id));
      }
    }
  });

  it("keeps exactly one active model under 200 concurrent switches from different users", async () => {
    const ids = (await bot.db.query<{ id: number }>("SELECT id FROM models ORDER BY id")).rows.map(
      (r) => r.id,
    );
    const users = ADMINS;

    // Watch the table on separate connections for the whole burst.
    let observations = 0;
    const violations: number[] = [];
    let bursting = true;
    const watch = async () => {
      while (bursting) {
        const { rows } = await bot.db.query<{ n: string }>("SELECT count(*) AS n FROM models WHERE active");
        observations++;
        if (rows[0]?.n !== "1") violations.push(Number(rows[0]?.n));
      }
    };
    const watchers = [watch(), watch(), watch()];

    const replies = await Promise.all(
      users.map((user, i) => bot.say(user, `/model ${ids[i % ids.length]}`).then(([text]) => text)),
    ).finally(() => {
      bursting = false;
    });
    await Promise.all(watchers);

    expect(violations).toEqual([]);
    expect(observations).toBeGreaterThan(10);
    for (const reply of replies) expect(reply).toMatch(/^Готово\. Активная модель: ★ /);
    expect(await activeRows()).toHaveLength(1);
    console.info(
      `model switches: 200 concurrent, ${observations} observations of the table, 0 with ≠ 1 active`,
    );
  });

  it("the database itself refuses a second active model", async () => {
    await expect(bot.db.query("UPDATE models SET active = true WHERE NOT active")).rejects.toThrow(
      /models_single_active_idx/,
    );
    expect(await activeRows()).toHaveLength(1);
  });
});

describe("access control", () => {
  let restricted: Stack;
  let allowed: ReturnType<Stack["telegram"]["newUser"]>;
  let admin: typeof allowed;

  beforeAll(async () => {
    // Ids are fixed here because the gateway reads them at start-up; far from newUser()'s range.
    allowed = { id: 42_001, is_bot: false, first_name: "Свой" };
    admin = { id: 42_002, is_bot: false, first_name: "Админ" };
    restricted = await Stack.start({
      env: { ALLOWED_USER_IDS: `${allowed.id}, ${admin.id}`, ADMIN_USER_IDS: String(admin.id) },
    });
  });

  afterAll(async () => {
    expect(await restricted.stop()).toEqual([0]);
  });

  it("refuses users outside ALLOWED_USER_IDS politely and stores nothing of theirs", async () => {
    const outsider = restricted.telegram.newUser();
    expect(await restricted.say(outsider, "/note_add чужая заметка")).toEqual([texts.accessDenied]);
    const { rows } = await restricted.db.query("SELECT count(*)::int AS n FROM notes");
    expect(rows[0].n).toBe(0);
    expect((await restricted.say(allowed, "/note_count"))[0]).toMatch(/^У вас/);
  });

  it("the gateway warns of open access only when it is open", async () => {
    expect(restricted.gateway.output).not.toMatch(/ALLOWED_USER_IDS is empty|ADMIN_USER_IDS is empty/);
    expect(bot.gateway.output).toMatch(/"level":40.*"msg":"ALLOWED_USER_IDS is empty: the bot is public/);
  });

  it("lets only ADMIN_USER_IDS switch the model", async () => {
    const [before] = await activeRows(restricted.db);
    const target = before === 2 ? 5 : 2;
    expect(await restricted.say(allowed, `/model ${target}`)).toEqual([
      texts.modelSwitchForbidden(allowed.id),
    ]);
    expect(await activeRows(restricted.db)).toEqual([before]);
    expect((await restricted.say(allowed, "/model"))[0]).toMatch(/^Активная модель/);
    expect((await restricted.say(admin, `/model ${target}`))[0]).toMatch(/^Готово/);
    expect(await activeRows(restricted.db)).toEqual([target]);
  });
});
