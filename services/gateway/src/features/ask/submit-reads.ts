/**
 * What submitting an ask reads first, in one statement (one round trip instead of two): the sender's
 * own model (the own-model feature's read) and the chat's persona (the persona feature's read).
 */
import type { Db } from "@notesbot/shared/db";
import { type OwnModel, type OwnModelRow, ownModelOfRow, ownModelOfUser } from "../own-model/repository.js";
import { type Persona, type PersonaRow, personaOfChat, personaOfRow } from "../persona/repository.js";

export function createSubmitReads(db: Db) {
  return {
    async of(
      userId: number,
      chatId: number,
    ): Promise<{ own: OwnModel | undefined; persona: Persona | undefined }> {
      const { rows } = await db.query<Partial<OwnModelRow> & PersonaRow>({
        name: "ask-submit-reads",
        text: `SELECT own.*, persona.preset, persona.text
               FROM (VALUES (1)) AS one (x)
               LEFT JOIN LATERAL (${ownModelOfUser("$1")}) AS own ON true
               LEFT JOIN LATERAL (${personaOfChat("$2")}) AS persona ON true`,
        values: [userId, chatId],
      });
      const { preset, text, ...own } = rows[0] as Partial<OwnModelRow> & PersonaRow;
      return {
        own: own.id == null ? undefined : ownModelOfRow(own as OwnModelRow),
        persona: personaOfRow({ preset, text }),
      };
    },
  };
}

export type SubmitReads = ReturnType<typeof createSubmitReads>;
