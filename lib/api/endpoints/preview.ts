// Data previews (docs/retrieval.md, "Preview"): sample rows of a view version from the offline store
// (with one entity's online value beside its historical value), and a source's schema and first
// rows. Both are feature values: features.read, and restricted views only with a grant.
import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { IsoInstant } from "../../shared/iso-time";
import { NamedParams, ProjectParam, VersionParams } from "./registry";

const Limit = z.coerce
  .number({ error: "limit must be a whole number" })
  .int("limit must be a whole number")
  .min(1, "limit must be 1 or more")
  .max(500, "limit is at most 500 rows")
  .default(20)
  .meta({ description: "Rows to return (at most 500; the answer is also capped at 1 MiB)." });

const Instant = IsoInstant;

const Column = z.object({ name: z.string(), type: z.string().meta({ description: "DuckDB type of the stored column." }) });
const Limits = z.object({ rows: z.number(), bytes: z.number(), seconds: z.number() });

export const ViewVersionPreview = z
  .object({
    view: z.string(),
    version: z.number().int(),
    partitions: z.array(z.string()).meta({ description: "Date partitions read, newest first." }),
    columns: z.array(Column),
    rows: z.array(z.record(z.string(), z.unknown())).meta({ description: "Newest rows first; values exact (int64 in full, floats as floats, times ISO 8601 UTC with microseconds, bytes base64)." }),
    truncated: z.boolean(),
    limits: Limits,
    note: z.string().optional(),
    comparison: z
      .object({
        at: z.string().nullable().meta({ description: "End of the last online materialization." }),
        online: z.unknown(),
        offline: z.unknown().nullable(),
        offline_error: z.string().nullable(),
      })
      .nullable()
      .meta({ description: "With a full entity key: its online value beside the historical value at `at`." }),
  })
  .meta({ id: "ViewVersionPreview" });

export const previewFeatureViewVersion = endpoint({
  id: "previewFeatureViewVersion",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views/{view}/versions/{version}/preview",
  permission: "features.read",
  summary:
    "Sample rows of a view version from the offline store (latest partitions by default; filter by entity key and time range), and with a full entity key its online value beside the historical value at the last online materialization. Restricted views: only with a grant.",
  tags: ["retrieval"],
  params: VersionParams,
  query: z
    .object({
      limit: Limit,
      entity: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .transform((raw, ctx) => {
          if (raw === undefined) return undefined;
          const out: Record<string, string> = {};
          for (const part of Array.isArray(raw) ? raw : [raw]) {
            const i = part.indexOf("=");
            if (i <= 0) {
              ctx.addIssue({ code: "custom", message: `"${part}" is not key=value (e.g. entity=customer_id=1001)` });
              return z.NEVER;
            }
            out[part.slice(0, i)] = part.slice(i + 1);
          }
          return out;
        })
        .meta({ description: 'Join key filter "key=value"; repeat for composite keys.' }),
      start: Instant.optional().meta({ description: "Rows with event_timestamp at or after this time." }),
      end: Instant.optional().meta({ description: "Rows with event_timestamp before this time." }),
    })
    .strict(),
  response: ViewVersionPreview,
});

export const SourcePreview = z
  .object({
    source: z.string(),
    kind: z.string(),
    columns: z.array(Column),
    rows: z.array(z.record(z.string(), z.unknown())),
    truncated: z.boolean(),
    limits: Limits,
  })
  .meta({ id: "SourcePreview" });

export const previewSourceEndpoint = endpoint({
  id: "previewSource",
  method: "GET",
  path: "/api/v1/projects/{project}/sources/{name}/preview",
  permission: "features.read",
  summary: "A source's schema and first rows, read as materialization reads it (in the sandbox). Refused when the source feeds a restricted view you are not granted.",
  tags: ["retrieval"],
  params: NamedParams,
  query: z.object({ limit: Limit }).strict(),
  response: SourcePreview,
});

export const ExampleEntities = z
  .object({
    joinKeys: z.array(z.object({ name: z.string(), dtype: z.string() })).meta({ description: "The join keys the request needs." }),
    entityRows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).meta({
      description: "Entity rows (join key → value) from the newest materialized partition, checked online when the views are online; int64 keys beyond 2^53 as digit strings. Empty when there are none to show (see notes).",
    }),
    at: z.string().nullable().meta({ description: "An instant at which every view is materialized offline over its lookback (ttl, windows): historical retrieval answers there." }),
    materialized: z.object({ start: z.string(), end: z.string() }).nullable().meta({ description: "The offline-materialized span (inclusive) around `at` shared by every view." }),
    online: z.enum(["present", "partial", "missing", "not_online"]).meta({ description: "What the online store holds for entityRows: every feature, some, none, or not asked (no view is online)." }),
    notes: z.array(z.string()).meta({ description: "Why keys or a time are missing, and what to do." }),
  })
  .meta({ id: "ExampleEntities" });

export const getExampleEntities = endpoint({
  id: "getExampleEntities",
  method: "GET",
  path: "/api/v1/projects/{project}/example-entities",
  permission: "features.read",
  summary:
    "Entity keys that exist and a time that is materialized, for features or a feature service: what the console's snippets use so they run as pasted. Keys follow the preview's rule (restricted views only with a grant).",
  tags: ["retrieval"],
  params: ProjectParam,
  query: z
    .object({
      features: z
        .string()
        .min(1)
        .optional()
        .transform((v) => v?.split(",").map((f) => f.trim()).filter(Boolean))
        .meta({ description: 'Comma-separated feature refs ("view:feature", "view@v2:feature", "view").' }),
      feature_service: z.string().min(1).optional().meta({ description: "A feature service instead of features." }),
    })
    .strict()
    .refine((q) => (q.features?.length ? 1 : 0) + (q.feature_service ? 1 : 0) === 1, { message: "give exactly one of features=view:feature,… or feature_service=name" }),
  response: ExampleEntities,
});

export const previewEndpoints: Endpoint[] = [previewFeatureViewVersion, previewSourceEndpoint, getExampleEntities];
