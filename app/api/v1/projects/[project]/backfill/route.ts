import { backfillJobs } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { backfill } from "@/lib/jobs/backfill";
import { jobJson, triggeredByOf } from "@/lib/api/job-routes";

export const POST = handle(backfillJobs, async ({ project, body, principal }) => {
  const r = await backfill({
    projectId: project.id,
    featureViews: body.featureViews,
    start: body.start,
    end: body.end,
    gaps: body.gaps,
    triggeredBy: triggeredByOf(principal),
  });
  return { job: await jobJson(r.parent.id) };
});
