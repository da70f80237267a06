import { getJob as getJobEndpoint } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { getJob } from "@/lib/jobs/get-job";
import { authorizeOnJob } from "@/lib/api/job-routes";

export const GET = handle(getJobEndpoint, async ({ principal, params }) => {
  await authorizeOnJob(principal, getJobEndpoint, params.jobId);
  return getJob(params.jobId, principal);
});
