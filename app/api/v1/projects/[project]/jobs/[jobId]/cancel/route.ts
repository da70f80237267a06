import { cancelProjectJob } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { jobJson, triggeredByOf } from "@/lib/api/job-routes";
import { requestCancel } from "@/lib/jobs/request-cancel";

export const POST = handle(cancelProjectJob, async ({ project, params, principal }) => {
  const r = await requestCancel(params.jobId, project.id, triggeredByOf(principal));
  return { job: await jobJson(r.jobId), state: r.state };
});
