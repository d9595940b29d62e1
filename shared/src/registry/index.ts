export { type CatalogModel, type CatalogResult, type CatalogSource, fetchCatalog } from "./catalog.js";
export { markModelGone } from "./gone.js";
export { countUnavailableModels, type RegistrySyncResult, syncWithOpenRouter } from "./run.js";
export { MODEL_COLUMNS, type SyncReport, syncRegistry } from "./sync.js";
