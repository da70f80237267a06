import { cancelJob as cancelJobEndpoint } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { authorizeOnJob, jobJson, triggeredByOf } from "@/lib/api/job-routes";
import { requestCancel } from "@/lib/jobs/request-cancel";

export const POST = handle(cancelJobEndpoint, async ({ principal, params }) => {
  const project = await authorizeOnJob(principal, cancelJobEndpoint, params.jobId);
  const r = await requestCancel(params.jobId, project.id, triggeredByOf(principal));
  return { job: await jobJson(r.jobId), state: r.state };
});
