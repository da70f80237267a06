import { getProjectJob } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { getJob } from "@/lib/jobs/get-job";

export const GET = handle(getProjectJob, async ({ project, params, principal }) => getJob(params.jobId, principal, project.id));
