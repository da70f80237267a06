import { retryProjectJob } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { jobJson, triggeredByOf } from "@/lib/api/job-routes";
import { retryJob } from "@/lib/jobs/retry-job";

export const POST = handle(retryProjectJob, async ({ project, params, principal }) => {
  const row = await retryJob(params.jobId, project.id, triggeredByOf(principal));
  return { job: await jobJson(row.id) };
});
