// Feature statistics of one view version (computed by materialization, stored per date
// partition) for the console's charts: histogram, null fraction and mean over partitions.
import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { FeatureStatOut } from "../../quality/stats-schema";

export { FeatureStatOut } from "../../quality/stats-schema";
import { VersionParams } from "./registry";

/** `?feature=&partitions=` of the per-partition reads (statistics, drift). */
export const PartitionsQuery = z
  .object({
    feature: z.string().min(1).optional().meta({ description: "Only this feature." }),
    partitions: z.coerce.number().int().min(1).max(366).default(90).meta({ description: "The most recent N partitions." }),
  })
  .strict();

export const VersionStatsOut = z.object({
  view: z.string(),
  version: z.number().int(),
  /** Oldest partition first. */
  items: z.array(FeatureStatOut),
});

export const getFeatureViewVersionStats = endpoint({
  id: "getFeatureViewVersionStats",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views/{view}/versions/{version}/stats",
  permission: "catalog.read",
  summary:
    "Statistics per feature and date partition of one view version (row count, null fraction, min, max, mean, stddev, percentiles, distinct, top values, histogram; aggregation features as of each partition's end). Restricted views: only for members granted the view.",
  tags: ["registry"],
  params: VersionParams,
  query: PartitionsQuery,
  response: VersionStatsOut,
});

export const statsEndpoints: Endpoint[] = [getFeatureViewVersionStats];
