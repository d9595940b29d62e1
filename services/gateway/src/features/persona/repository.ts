/**
 * Each chat's persona (/persona) in PostgreSQL (`chat_settings`): a preset by its id or the chat's own
 * text; no row is the default (none). It follows a group that becomes a supergroup.
 */
import type { Db, Queryable } from "@notesbot/shared/db";
import { isPersonaPreset, type PersonaPreset } from "@notesbot/shared/domain";
import type { Texts } from "@notesbot/shared/texts";

export type Persona = { preset: PersonaPreset } | { text: string };

/** What the model is told of `persona`, in the asker's language (a preset's text, or the chat's own). */
export const personaPrompt = (texts: Texts, persona: Persona): string =>
  "preset" in persona ? texts.persona.presetText(persona.preset) : persona.text;

/** The statement reading a chat's persona row (the chat id as parameter `chatParam`); no row: none. */
export const personaOfChat = (chatParam: string): string =>
  `SELECT persona_preset AS preset, persona_text AS text FROM chat_settings WHERE chat_id = ${chatParam}`;

export interface PersonaRow {
  preset: string | null;
  text: string | null;
}

/** The persona a row of `personaOfChat` stands for (a preset no longer offered counts as none). */
export function personaOfRow(row: PersonaRow | undefined): Persona | undefined {
  if (row?.text != null) return { text: row.text };
  if (row?.preset != null && isPersonaPreset(row.preset)) return { preset: row.preset };
  return undefined;
}

export function createPersonaRepository(db: Db) {
  return {
    /** The chat's persona; undefined: none (a preset no longer offered counts as none). */
    async of(chatId: number): Promise<Persona | undefined> {
      const { rows } = await db.query<PersonaRow>(personaOfChat("$1"), [chatId]);
      return personaOfRow(rows[0]);
    },

    /** Sets the chat's persona (undefined: none). */
    async set(chatId: number, persona: Persona | undefined, tx: Queryable = db): Promise<void> {
      if (persona === undefined) {
        await tx.query("DELETE FROM chat_settings WHERE chat_id = $1", [chatId]);
        return;
      }
      await tx.query(
        `INSERT INTO chat_settings (chat_id, persona_preset, persona_text) VALUES ($1, $2, $3)
         ON CONFLICT (chat_id) DO UPDATE SET persona_preset = EXCLUDED.persona_preset,
           persona_text = EXCLUDED.persona_text, updated_at = now()`,
        [chatId, "preset" in persona ? persona.preset : null, "text" in persona ? persona.text : null],
      );
    },

    /**
     * A group became a supergroup: its persona moves to the new id, unless the new chat has set one of
     * its own already. Safe to repeat.
     */
    async moveChat(fromChatId: number, toChatId: number, tx: Queryable = db): Promise<void> {
      await tx.query(
        `WITH moved AS (DELETE FROM chat_settings WHERE chat_id = $1 RETURNING persona_preset, persona_text)
         INSERT INTO chat_settings (chat_id, persona_preset, persona_text)
         SELECT $2, persona_preset, persona_text FROM moved
         ON CONFLICT (chat_id) DO NOTHING`,
        [fromChatId, toChatId],
      );
    },
  };
}

export type PersonaRepository = ReturnType<typeof createPersonaRepository>;
