import { listProjectJobs } from "@/lib/api/endpoints/jobs";
import { handle } from "@/lib/api/handle";
import { listJobs } from "@/lib/jobs/list-jobs";

export const GET = handle(listProjectJobs, async ({ project, query, principal }) => listJobs({ ...query, principal, projectIds: [project.id] }));
