import { getViewIntervals } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { getIntervals } from "@/lib/jobs/get-intervals";

export const GET = handle(getViewIntervals, async ({ project, params, query }) =>
  getIntervals({ projectId: project.id, viewName: params.view, version: query.version, start: query.start, end: query.end }),
);
