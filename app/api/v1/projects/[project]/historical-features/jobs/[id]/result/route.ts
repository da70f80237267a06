import { getHistoricalJobResultEndpoint } from "@/lib/api/endpoints/retrieval";
import { handle } from "@/lib/api/handle";
import { historicalJobResult } from "@/lib/jobs/historical-job-result";
import { fileResponse } from "@/lib/api/historical-http";

export const GET = handle(getHistoricalJobResultEndpoint, async ({ project, params, requestId, principal }) => {
  const file = await historicalJobResult(project.id, project.name, params.id, principal);
  return fileResponse(file, "application/vnd.apache.parquet", {
    "x-request-id": requestId,
    "content-disposition": `attachment; filename="historical-${params.id}.parquet"`,
  });
});
