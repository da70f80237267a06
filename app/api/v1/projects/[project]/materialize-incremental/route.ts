import { materializeIncrementalJobs } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { materializeIncremental } from "@/lib/jobs/materialize-incremental";
import { jobJson, triggeredByOf } from "@/lib/api/job-routes";

export const POST = handle(materializeIncrementalJobs, async ({ project, body, principal }) => {
  const r = await materializeIncremental({ projectId: project.id, featureViews: body.featureViews, triggeredBy: triggeredByOf(principal) });
  return { jobs: await Promise.all(r.jobs.map((j) => jobJson(j.id))), skipped: r.skipped };
});
