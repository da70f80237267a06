import { materializeJobs } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { materialize } from "@/lib/jobs/materialize";
import { jobJson, triggeredByOf } from "@/lib/api/job-routes";

export const POST = handle(materializeJobs, async ({ project, body, principal }) => {
  const rows = await materialize({ projectId: project.id, featureViews: body.featureViews, start: body.start, end: body.end, triggeredBy: triggeredByOf(principal) });
  return { jobs: await Promise.all(rows.map((r) => jobJson(r.id))), skipped: [] };
});
