/**
 * The bot most tutorials write, for comparison: one process, the LLM called inside the update handler
 * (placeholder, await fetch, edit), notes in PostgreSQL with the same SQL as the gateway's repository.
 * Configured like the services: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, OPENROUTER_BASE_URL,
 * OPENROUTER_API_KEY, DATABASE_URL.
 */
import { Bot } from "grammy";
import pg from "pg";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

export const db = new pg.Pool({ connectionString: env("DATABASE_URL"), max: 10 });

export function createBot(): Bot {
  const bot = new Bot(env("TELEGRAM_BOT_TOKEN"), { client: { apiRoot: env("TELEGRAM_API_ROOT") } });

  bot.command("note_add", async (ctx) => {
    const text = ctx.match.trim();
    if (text === "" || ctx.from === undefined)
      return void (await ctx.reply("Использование: /note_add <текст>"));
    const { rows } = await db.query<{ id: string }>(
      "INSERT INTO notes (user_id, chat_id, text) VALUES ($1, $2, $3) RETURNING id, text, created_at",
      [ctx.from.id, ctx.chat.id, text],
    );
    await ctx.reply(`Заметка #${rows[0]?.id} сохранена.`);
  });

  bot.command("note_list", async (ctx) => {
    const { rows } = await db.query<{ id: string; text: string; created_at: Date }>(
      `SELECT id, text, created_at FROM notes WHERE user_id = $1
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [ctx.from?.id, 10],
    );
    if (rows.length === 0) return void (await ctx.reply("У вас пока нет заметок."));
    const lines = rows.map((r) => `#${r.id} · ${r.created_at.toISOString()}\n${r.text}`);
    await ctx.reply([`Ваши последние заметки (${rows.length}):`, ...lines].join("\n\n"));
  });

  bot.command("note_count", async (ctx) => {
    const { rows } = await db.query<{ count: string }>("SELECT count(*) FROM notes WHERE user_id = $1", [
      ctx.from?.id,
    ]);
    await ctx.reply(`У вас ${rows[0]?.count} заметок.`);
  });

  bot.command("ask", async (ctx) => {
    const placeholder = await ctx.reply("⏳ Думаю над ответом…");
    const { rows } = await db.query<{ key: string }>(
      "SELECT id, key, label, active FROM models WHERE active",
    );
    const response = await fetch(`${env("OPENROUTER_BASE_URL")}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${env("OPENROUTER_API_KEY")}`, "content-type": "application/json" },
      body: JSON.stringify({ model: rows[0]?.key, messages: [{ role: "user", content: ctx.match }] }),
    });
    const completion = (await response.json()) as { choices?: { message?: { content?: string } }[] };
    const answer = completion.choices?.[0]?.message?.content || "Ошибка: пустой ответ.";
    await ctx.api.editMessageText(ctx.chat.id, placeholder.message_id, answer);
  });

  bot.catch((error) => console.error("update failed:", error.message));
  return bot;
}
