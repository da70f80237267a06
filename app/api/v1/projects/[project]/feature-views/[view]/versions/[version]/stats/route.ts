import { handle } from "@/lib/api/handle";
import { getFeatureViewVersionStats } from "@/lib/api/endpoints/stats";
import { listVersionStats } from "@/lib/quality/list-version-stats";

export const GET = handle(getFeatureViewVersionStats, async ({ principal, project, params, query }) =>
  listVersionStats(principal, project, params.view, params.version, query),
);
