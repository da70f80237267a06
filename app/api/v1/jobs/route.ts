import { listJobs as listJobsEndpoint } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { listJobs } from "@/lib/jobs/list-jobs";
import { readableProjectIds } from "@/lib/api/job-routes";

export const GET = handle(listJobsEndpoint, async ({ principal, query }) => {
  const { project, ...rest } = query;
  return listJobs({ ...rest, principal, projectIds: await readableProjectIds(principal, project) });
});
