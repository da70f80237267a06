import { retryJob as retryJobEndpoint } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { authorizeOnJob, jobJson, triggeredByOf } from "@/lib/api/job-routes";
import { retryJob } from "@/lib/jobs/retry-job";

export const POST = handle(retryJobEndpoint, async ({ principal, params }) => {
  const project = await authorizeOnJob(principal, retryJobEndpoint, params.jobId);
  const row = await retryJob(params.jobId, project.id, triggeredByOf(principal));
  return { job: await jobJson(row.id) };
});
