/**
 * Which models an ask with a medium goes to, from what the registry knows each model takes
 * (`models.input_modalities`, OpenRouter's `architecture.input_modalities`) and the configured
 * VISION_MODEL and TRANSCRIBE_MODEL. A photo goes to the chosen model and its fallbacks that can see,
 * then VISION_MODEL; voice and audio are transcribed by TRANSCRIBE_MODEL, then the registry's models
 * that take audio, and the transcript is answered by the usual route. Text files and PDFs go the usual
 * route (OpenRouter parses a PDF for a model that does not read files). A configured model the registry
 * does not know is taken as the operator named it; one it knows as unavailable is skipped.
 */
import type { Config } from "@notesbot/shared/config";
import type { Db } from "@notesbot/shared/db";
import type { AskRoute } from "../models/repository.js";
import type { FoundMedia } from "./classify.js";

type Route = Extract<AskRoute, { ok: true }>;

export type MediaRoute =
  | { ok: true; route: Route; transcribeModelKeys: string[] }
  | { ok: false; reason: "no_vision"; modelKey: string }
  | { ok: false; reason: "no_hearing" };

interface Known {
  available: boolean;
  inputModalities: string[] | null;
  contextLength: number | null;
}

export function createMediaRoute(db: Db, configured: Config["media"]) {
  const known = async (keys: readonly string[]): Promise<Map<string, Known>> => {
    const { rows } = await db.query<Known & { key: string }>(
      `SELECT key, available, input_modalities AS "inputModalities", context_length AS "contextLength"
         FROM models WHERE key = ANY($1)`,
      [keys],
    );
    return new Map(rows.map((r) => [r.key, r]));
  };
  const usable = (key: string | undefined, models: Map<string, Known>): key is string =>
    key !== undefined && models.get(key)?.available !== false;

  return async function mediaRoute(route: Route, media: FoundMedia): Promise<MediaRoute> {
    if (media.kind === "image") {
      const candidates = [route.modelKey, ...route.fallbackModelKeys];
      const vision = configured.visionModel;
      const models = await known(vision === undefined ? candidates : [...candidates, vision]);
      const seeing = candidates.filter((key) => models.get(key)?.inputModalities?.includes("image") === true);
      if (usable(vision, models) && !seeing.includes(vision)) seeing.push(vision);
      const [first, ...rest] = seeing;
      if (first === undefined) return { ok: false, reason: "no_vision", modelKey: route.modelKey };
      const contextLength = models.get(first)?.contextLength ?? undefined;
      return {
        ok: true,
        route: { ok: true, modelKey: first, fallbackModelKeys: rest, contextLength },
        transcribeModelKeys: [],
      };
    }
    if (media.kind === "audio") {
      const transcribe = configured.transcribeModel;
      const { rows } = await db.query<{ key: string }>(
        `SELECT key FROM models WHERE available AND 'audio' = ANY(input_modalities) ORDER BY id`,
      );
      const models = transcribe === undefined ? new Map<string, Known>() : await known([transcribe]);
      const hearing = usable(transcribe, models) ? [transcribe] : [];
      for (const { key } of rows) if (!hearing.includes(key)) hearing.push(key);
      if (hearing.length === 0) return { ok: false, reason: "no_hearing" };
      return { ok: true, route, transcribeModelKeys: hearing };
    }
    return { ok: true, route, transcribeModelKeys: [] };
  };
}

export type MediaRouter = ReturnType<typeof createMediaRoute>;
