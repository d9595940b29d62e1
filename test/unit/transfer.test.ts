/**
 * /note_export json|md|txt and /note_import through the gateway built in this process (fake Telegram
 * with getFile and file downloads, real PostgreSQL): exports round-trip through imports, an import is
 * idempotent, and a malformed or refused file changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPORT_MAX_BYTES, IMPORT_MAX_NOTES } from "../../shared/src/domain/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import type { SentDocument, UploadedDocument } from "../support/fake-telegram.js";
import { type GatewayInProcess, startGatewayInProcess } from "../support/gateway.js";

const texts = createLocalizer().of("ru");
let gateway: GatewayInProcess;

beforeAll(async () => {
  gateway = await startGatewayInProcess();
});

afterAll(async () => {
  await gateway.close();
});

type User = ReturnType<GatewayInProcess["telegram"]["newUser"]>;

async function handle(user: User, update: ReturnType<GatewayInProcess["telegram"]["pushUpdate"]>) {
  const before = gateway.telegram.sentTo(user.id).length;
  await gateway.receive(update);
  return gateway.telegram.sentTo(user.id).slice(before);
}
const say = (user: User, text: string) => handle(user, gateway.telegram.sendText(user, text));
const sendFile = (user: User, document: UploadedDocument) =>
  handle(user, gateway.telegram.sendDocument(user, { caption: "/note_import", ...document }));
const textsOf = (replies: { payload: Record<string, unknown> }[]) => replies.map((r) => r.payload.text);

const notesOf = async (userId: number) =>
  (
    await gateway.db.query<{ text: string; origin: unknown; created_at: Date }>(
      "SELECT text, origin, created_at FROM notes WHERE user_id = $1 ORDER BY created_at, id",
      [userId],
    )
  ).rows;

/** A user with three notes: one multi-line, one forwarded from a public channel. */
async function userWithNotes(): Promise<User> {
  const user = gateway.telegram.newUser();
  await say(user, "/note_add Купить молоко");
  await say(user, '/note_add Список:\n- хлеб\n\nи ещё «кавычки», \\ и "JSON"');
  await handle(
    user,
    gateway.telegram.forward(
      user,
      {
        type: "channel",
        date: 1,
        chat: { id: -1001, type: "channel", title: "Наука", username: "nauka" },
        message_id: 5,
      },
      { text: "Новость дня" },
    ),
  );
  return user;
}

async function exportOf(user: User, format: string): Promise<SentDocument> {
  const replies = await say(user, `/note_export ${format}`);
  expect(replies).toHaveLength(1);
  return replies[0]?.payload.document as SentDocument;
}

describe("export and import", () => {
  it.each(["json", "md"])(
    "a %s export imported by another user gives them the same notes",
    async (format) => {
      const owner = await userWithNotes();
      const file = await exportOf(owner, format);
      expect(file.filename).toBe(`notes-${owner.id}.${format}`);
      const other = gateway.telegram.newUser();

      const replies = await sendFile(other, { fileName: file.filename, content: file.content });

      expect(textsOf(replies)).toEqual([texts.transfer.imported(3, 0)]);
      const [mine, theirs] = [await notesOf(owner.id), await notesOf(other.id)];
      expect(theirs.map((n) => n.text)).toEqual(mine.map((n) => n.text));
      if (format === "json") {
        // JSON keeps the dates and the origin too.
        expect(theirs).toEqual(mine);
        expect(JSON.parse(file.content)[2]).toMatchObject({
          text: "Новость дня",
          origin: { kind: "channel", name: "Наука", link: "https://t.me/nauka/5" },
        });
      } else {
        expect(file.content).toMatch(/^- Купить молоко\n- Список:\n {2}- хлеб\n\n {2}и ещё/);
      }
    },
  );

  it("the same file imported twice adds its notes once; notes the user already has are skipped", async () => {
    const user = await userWithNotes();
    const file = await exportOf(user, "json");
    const again = await sendFile(user, { fileName: "notes.json", content: file.content });
    const txt = { fileName: "ideas.txt", content: "Первая мысль\n\nВторая\nмысль\n\n\nКупить молоко\n" };
    const first = await sendFile(user, txt);
    const second = await sendFile(user, txt);

    expect(textsOf(again)).toEqual([texts.transfer.imported(0, 3)]);
    expect(textsOf(first)).toEqual([texts.transfer.imported(2, 1)]);
    expect(textsOf(second)).toEqual([texts.transfer.imported(0, 3)]);
    expect((await notesOf(user.id)).map((n) => n.text)).toEqual([
      "Купить молоко",
      expect.stringContaining("Список:"),
      "Новость дня",
      "Первая мысль",
      "Вторая\nмысль",
    ]);
  });

  it.each([
    ["not JSON", "notes.json", '[{"text": "a"},', { problem: "json" }],
    ["an object", "notes.json", '{"text": "a"}', { problem: "not-array" }],
    [
      "a note without text",
      "notes.json",
      '[{"text": "a"}, {"text": "b"}, {"created_at": "2020-01-01"}]',
      { problem: "item", item: 3 },
    ],
    [
      "a note too long",
      "notes.md",
      `- a\n- ${"я".repeat(3001)}\n`,
      { problem: "too-long", item: 2, length: 3001 },
    ],
    ["a stray line", "notes.md", "- a\nnot an item\n", { problem: "md-line", line: 2 }],
    ["no notes", "notes.txt", "\n\n  \n", { problem: "empty" }],
    [
      "too many notes",
      "notes.txt",
      Array.from({ length: IMPORT_MAX_NOTES + 1 }, (_, i) => `n${i}`).join("\n\n"),
      { problem: "too-many", count: IMPORT_MAX_NOTES + 1 },
    ],
    ["not UTF-8", "notes.txt", new Uint8Array([0x66, 0xff, 0xfe, 0x66]), { problem: "encoding" }],
  ] as const)(
    "a malformed file (%s) changes nothing and says what is wrong",
    async (_, fileName, content, problem) => {
      const user = await userWithNotes();
      const before = await notesOf(user.id);

      const replies = await sendFile(user, { fileName, content });

      expect(textsOf(replies)).toEqual([texts.transfer.malformed(problem)]);
      expect(await notesOf(user.id)).toEqual(before);
    },
  );

  it("a reply /note_import to a document imports it; a file too big, of another kind, or no file is refused", async () => {
    const user = gateway.telegram.newUser();
    const chat = { id: user.id, type: "private" as const, first_name: user.first_name };
    const document = gateway.telegram.sendDocument(user, {
      fileName: "list.md",
      content: "# Мои\n- один\n- два\n",
    });
    await gateway.receive(document);
    const replied = await handle(
      user,
      gateway.telegram.sendReply(user, "/note_import", chat, document.message?.message_id as number, {
        entities: [{ type: "bot_command", offset: 0, length: 12 }],
      }),
    );
    const big = await sendFile(user, { fileName: "big.txt", content: "x", fileSize: IMPORT_MAX_BYTES + 1 });
    const pdf = await sendFile(user, { fileName: "scan.pdf", mimeType: "application/pdf", content: "%PDF" });
    const none = await say(user, "/note_import");

    expect(textsOf(replied)).toEqual([texts.transfer.imported(2, 0)]);
    expect(textsOf(big)).toEqual([texts.transfer.tooBig(IMPORT_MAX_BYTES + 1)]);
    expect(textsOf(pdf)).toEqual([texts.transfer.unknownFormat]);
    expect(textsOf(none)).toEqual([texts.transfer.importUsage]);
    expect((await notesOf(user.id)).map((n) => n.text)).toEqual(["один", "два"]);
    // The download URL carries the bot's token: it is never logged.
    expect(gateway.logs()).not.toContain(gateway.telegram.token);
  });

  it("/note_export with an unknown format gets its usage; txt stays the default", async () => {
    const user = await userWithNotes();
    expect(textsOf(await say(user, "/note_export pdf"))).toEqual([texts.transfer.exportUsage]);
    const txt = await exportOf(user, "");
    expect(txt.filename).toBe(`notes-${user.id}.txt`);
    expect(txt.content).toContain("↪ Наука · https://t.me/nauka/5\nНовость дня");
  });
});

describe("/note_count", () => {
  const countOf = async (user: User) => textsOf(await say(user, "/note_count"));
  const rowsOf = async (userId: number) =>
    Number(
      (await gateway.db.query<{ n: string }>("SELECT count(*) AS n FROM notes WHERE user_id = $1", [userId]))
        .rows[0]?.n,
    );

  it("follows every add, import and delete of the user's own notes, and no one else's", async () => {
    const user = gateway.telegram.newUser();
    const other = gateway.telegram.newUser();
    expect(await countOf(user)).toEqual([texts.noteCount(0)]);

    await say(user, "/note_add Первая");
    await say(other, "/note_add Чужая");
    const imported = await sendFile(user, {
      fileName: "ideas.txt",
      content: "Один\n\nДва\n\nТри\n\nПервая\n",
    });
    expect(textsOf(imported)).toEqual([texts.transfer.imported(3, 1)]);
    expect(await countOf(user)).toEqual([texts.noteCount(4)]);

    const [first] = (await notesOf(user.id)).map((n) => n.text);
    const id = (
      await gateway.db.query<{ id: string }>("SELECT id FROM notes WHERE user_id = $1 AND text = $2", [
        user.id,
        first,
      ])
    ).rows[0]?.id;
    await say(user, `/note_del ${id}`);
    // Two notes removed by one statement, as a bulk delete would.
    await gateway.db.query("DELETE FROM notes WHERE user_id = $1 AND text IN ('Один', 'Два')", [user.id]);
    expect(await countOf(user)).toEqual([texts.noteCount(await rowsOf(user.id))]);
    expect(await rowsOf(user.id)).toBe(1);
    expect(await countOf(other)).toEqual([texts.noteCount(1)]);
  });
});
