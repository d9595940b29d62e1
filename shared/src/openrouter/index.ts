export {
  createOpenRouterHttp,
  type ErrorObject,
  errorEnvelope,
  errorObject,
  type JsonResult,
  MAX_BODY_BYTES,
  type OpenRouterHttp,
  type OpenRouterHttpOptions,
  parseJson,
  readText,
} from "./http.js";
