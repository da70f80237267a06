import fs from "node:fs/promises";
import { getHistoricalFeaturesEndpoint } from "@/lib/api/endpoints/retrieval";
import { handle } from "@/lib/api/handle";
import { principalLabel } from "@/lib/auth/principal";
import { getHistoricalFeatures } from "@/lib/offline/get-historical-features";
import { negotiateFormat, outcomeResponse, readHistoricalRequest } from "@/lib/api/historical-http";

export const POST = handle(getHistoricalFeaturesEndpoint, async ({ request, requestId, project, principal, query }) => {
  const format = negotiateFormat(request.headers.get("accept"));
  const parts = await readHistoricalRequest(request, query);
  try {
    const outcome = await getHistoricalFeatures({
      project: project.name,
      principal,
      features: parts.features,
      feature_service: parts.feature_service,
      full_feature_names: parts.full_feature_names,
      entities: parts.entities,
      timestampColumn: parts.timestampColumn,
      asJob: parts.asJob,
      format,
      triggeredBy: principalLabel(principal),
    });
    return outcomeResponse(outcome, project.name, requestId);
  } finally {
    for (const f of parts.tempFiles) await fs.rm(f, { force: true });
  }
});
