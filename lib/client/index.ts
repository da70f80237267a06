// The package's client entry (`larder/client`): the typed SDK and the generic HTTP client under it.
export { LarderClient, onlineRows } from "./larder-client";
export type {
  EntityTable,
  EntityValue,
  FeatureSelection,
  HistoricalJobAccepted,
  HistoricalJson,
  HistoricalRequest,
  LarderClientOptions,
  OnlineFeaturesResponse,
  OnlineRequest,
  PushRequest,
  PushResult,
} from "./larder-client";
export { LarderHttpError, createClient, requestRaw } from "./http";
export type { ClientOptions, HttpMethod, LarderClient as HttpClient } from "./http";
