// Retrieval endpoints (docs/retrieval.md): online features, historical (point-in-time) features, push.
// The Feast-compatible feature server (bin/feature-server.ts) serves the same bodies and responses.
import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { PushBody, PushResult } from "../../online/push-schema";

export { PushBody, PushResult } from "../../online/push-schema";

const ProjectParams = z.object({ project: z.string().min(1) });

export const EntityValue = z.union([z.string(), z.number(), z.boolean()]).describe("A join key value; int64 keys as JSON integers (every digit is kept) or digit strings.");

export const FeatureSelection = {
  features: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Feature refs: "view:feature", "view@v2:feature", or "view" for every feature of a view.'),
  feature_service: z.string().min(1).optional().describe("A feature service name instead of features."),
  full_feature_names: z.boolean().optional().describe('Name columns "view__feature" instead of "feature".'),
};

export const OnlineFeaturesBody = z
  .object({
    ...FeatureSelection,
    entities: z
      .record(z.string(), z.array(EntityValue))
      .describe('Join key → values, one column per join key, all of equal length: {"customer_id": [1, 2, 3]}.'),
  })
  .strict();

export const FeatureStatus = z.enum(["PRESENT", "NOT_FOUND", "NULL_VALUE", "OUTSIDE_MAX_AGE"]);

export const OnlineFeaturesResponse = z.object({
  metadata: z.object({ feature_names: z.array(z.string()) }),
  results: z.array(
    z.object({
      values: z.array(z.unknown()),
      statuses: z.array(FeatureStatus),
      event_timestamps: z.array(z.string()),
    }),
  ),
});

export const getOnlineFeaturesEndpoint = endpoint({
  id: "getOnlineFeatures",
  method: "POST",
  path: "/api/v1/projects/{project}/online-features",
  permission: "features.read",
  summary:
    "Latest feature values for entities (Feast's get-online-features shape; join keys echoed first; ttl enforced as OUTSIDE_MAX_AGE).",
  tags: ["retrieval"],
  params: ProjectParams,
  body: OnlineFeaturesBody,
  bodyCheckedByHandler: true,
  response: OnlineFeaturesResponse,
});

/** JSON body of a historical request (uploads send the entity table as the body, options in the query). */
export const HistoricalFeaturesJsonBody = z
  .object({
    ...FeatureSelection,
    entity_rows: z
      .array(z.record(z.string(), z.unknown()))
      .describe("The entity table: rows with the join keys and the event timestamp column (ISO 8601; a zone offset is converted to UTC)."),
    event_timestamp_column: z.string().min(1).optional().describe('Column holding each row\'s time; default "event_timestamp".'),
    /** Run as a job even when small (the result becomes a downloadable Parquet file). */
    as_job: z.boolean().optional(),
  })
  .strict();

export const HistoricalFeaturesQuery = z.object({
  features: z.string().optional().describe("Uploads: comma-separated feature refs."),
  feature_service: z.string().optional(),
  full_feature_names: z.enum(["true", "false"]).optional(),
  event_timestamp_column: z.string().optional(),
  as_job: z.enum(["true", "false"]).optional(),
});

export const HistoricalJobAccepted = z.object({
  job: z.object({ id: z.string(), status: z.string(), kind: z.literal("historical") }),
  rows: z.number().int(),
  result_url: z.string(),
});

export const getHistoricalFeaturesEndpoint = endpoint({
  id: "getHistoricalFeatures",
  method: "POST",
  path: "/api/v1/projects/{project}/historical-features",
  permission: "features.read",
  summary:
    "Point-in-time correct features joined onto an entity table (JSON rows, CSV or Parquet upload). Response as JSON, CSV or Parquet by Accept; large tables run as a job (202).",
  tags: ["retrieval"],
  params: ProjectParams,
  query: HistoricalFeaturesQuery,
  rawBody: {
    contentTypes: ["application/json", "text/csv", "application/vnd.apache.parquet", "application/octet-stream", "multipart/form-data"],
    maxBytes: 512 * 1024 * 1024,
  },
  response: z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) }),
});

export const getHistoricalJobResultEndpoint = endpoint({
  id: "getHistoricalJobResult",
  method: "GET",
  path: "/api/v1/projects/{project}/historical-features/jobs/{id}/result",
  permission: "features.read",
  summary:
    "Download the Parquet result of a historical-features job (409 while it is still running or when it failed; 410 once the result expired after HISTORICAL_RESULT_TTL_HOURS).",
  tags: ["retrieval"],
  params: z.object({ project: z.string().min(1), id: z.string().min(1) }),
  errorStatuses: [409, 410],
});

export const pushEndpoint = endpoint({
  id: "push",
  method: "POST",
  path: "/api/v1/projects/{project}/push",
  permission: "features.push",
  summary: "Push rows to a push source: validated against its schema, written online (newer wins) and/or offline (_push files).",
  tags: ["retrieval"],
  params: ProjectParams,
  body: PushBody,
  bodyHoldsValues: true,
  response: PushResult,
  maxBodyBytes: 64 * 1024 * 1024,
});

export const retrievalEndpoints: Endpoint[] = [
  getOnlineFeaturesEndpoint,
  getHistoricalFeaturesEndpoint,
  getHistoricalJobResultEndpoint,
  pushEndpoint,
];
