export { type CatalogModel, type CatalogResult, type CatalogSource, fetchCatalog } from "./catalog.js";
export { type RegistryModel, type SyncReport, syncRegistry } from "./sync.js";
