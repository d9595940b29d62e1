-- Up Migration
-- What a model takes besides text (OpenRouter's `architecture.input_modalities`: "text", "image", "audio",
-- "file", …), from the registry's sync; NULL until a sync has seen the model (it is then taken as text only).
ALTER TABLE models ADD COLUMN input_modalities text[];

-- Down Migration
ALTER TABLE models DROP COLUMN input_modalities;
